import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import ServiceLifecycle

/// The one outbound HTTP client wrapper. Every call has a deadline; only calls
/// the caller marks idempotent are retried (bounded, with backoff and jitter);
/// a circuit breaker turns a dead dependency into an immediate `Unavailable`;
/// the caller's request id and trace context travel along. Every call is
/// counted and timed per target (`ClientMetrics`).
public struct ServiceClient: Sendable {
    /// The dependency could not be reached or answered 5xx: a clear 503 upstream.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public struct Reply: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer

        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder.shop.decode(T.self, from: body)
        }
    }

    public let baseURL: String
    /// The dependency's name in metrics, e.g. `product-service`.
    public let target: String
    let httpClient: HTTPClient
    let timeout: Duration
    let maxAttempts: Int
    let headers: [(String, String)]
    public let breaker: CircuitBreaker
    let metrics: ClientMetrics
    /// `call` rules of fault injection; none unless configured.
    let faults: Faults

    public init(
        baseURL: String, target: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(3),
        maxAttempts: Int = 3, headers: [(String, String)] = [], breaker: CircuitBreaker = CircuitBreaker(),
        faults: Faults = .none
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.target = target
        self.metrics = ClientMetrics(target: target)
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxAttempts = max(1, maxAttempts)
        self.headers = headers
        self.breaker = breaker
        self.faults = faults
    }

    /// Sends one request. 4xx answers are returned to the caller (never retried);
    /// connection failures, timeouts and 5xx count against the breaker and are
    /// retried only when `idempotent`.
    public func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json",
        headers extraHeaders: [(String, String)] = [], idempotent: Bool, requestID: String? = nil,
        timeout: Duration? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers + extraHeaders { request.headers.add(name: name, value: value) }
        if let requestID { request.headers.add(name: "X-Request-ID", value: requestID) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        // AsyncHTTPClient records a client span and sends the W3C `traceparent`
        // of the current trace itself.
        return try await execute(request, path: path, idempotent: idempotent, timeout: timeout ?? self.timeout)
    }

    private func execute(_ request: HTTPClientRequest, path: String, idempotent: Bool, timeout: Duration) async throws
        -> Reply
    {
        var attempt = 0
        while true {
            attempt += 1
            guard breaker.allowsCall(reporting: metrics.breaker) else {
                metrics.outcomes.increment(.circuitOpen)
                throw Unavailable(description: "\(baseURL) is unavailable (circuit open)")
            }
            let started = ContinuousClock.now
            do {
                let fault = faults.effect(on: .call, method: request.method.rawValue, path: path)
                if case .delay(let delay) = fault { try await Task.sleep(for: delay) }
                if case .error(let status) = fault {
                    if status >= 500 {
                        throw Unavailable(description: "\(baseURL)\(path) answered \(status) (injected)")
                    }
                    // An answer, as far as the breaker is concerned (a trial call
                    // must not leave it half-open).
                    breaker.recordSuccess(reporting: metrics.breaker)
                    return Reply(
                        status: status, headers: ["Content-Type": "application/problem+json"],
                        body: ByteBuffer(string: #"{"status":\#(status),"detail":"Injected fault"}"#))
                }
                let deadline = NIODeadline.now() + TimeAmount(timeout)
                let response = try await httpClient.execute(request, deadline: deadline)
                let body = try await response.body.collect(upTo: 8 << 20)
                if fault == .drop { throw Unavailable(description: "\(baseURL)\(path): response dropped (injected)") }
                metrics.record(.init(status: response.status.code), since: started)
                if response.status.code >= 500 {
                    throw Unavailable(description: "\(baseURL)\(path) answered \(response.status.code)")
                }
                breaker.recordSuccess(reporting: metrics.breaker)
                return Reply(status: Int(response.status.code), headers: response.headers, body: body)
            } catch {
                if !(error is Unavailable) {
                    metrics.record(error is CancellationError ? .cancelled : .error, since: started)
                }
                breaker.recordFailure(reporting: metrics.breaker)
                guard idempotent, attempt < maxAttempts else {
                    throw (error as? Unavailable) ?? Unavailable(description: "\(baseURL)\(path): \(error)")
                }
                let backoff = 100 * (1 << (attempt - 1))
                try await Task.sleep(for: .milliseconds(backoff + Int.random(in: 0...backoff / 2)))
            }
        }
    }

    /// GET a JSON document; retried as GET is idempotent. Non-200 answers throw
    /// `UnexpectedStatus`.
    public func getJSON<T: Decodable>(
        _ path: String, as type: T.Type, requestID: String? = nil, timeout: Duration? = nil
    ) async throws -> T {
        let reply = try await send(.GET, path, idempotent: true, requestID: requestID, timeout: timeout)
        guard reply.status == 200 else { throw UnexpectedStatus(status: reply.status) }
        return try reply.decode(T.self)
    }

    /// A 4xx answer where the caller expected success.
    public struct UnexpectedStatus: Error {
        public let status: Int
    }

    /// An HTTP client whose connect and read timeouts bound every call, to be
    /// run with `HTTPClientService` so it shuts down with the application.
    public static func makeHTTPClient(connectTimeout: Duration = .seconds(1), readTimeout: Duration = .seconds(5))
        -> HTTPClient
    {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(connectTimeout), read: TimeAmount(readTimeout))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// Described by its target only: its headers carry the service credential, and
/// ServiceLifecycle logs the services it runs (with whatever they hold) at debug.
extension ServiceClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ServiceClient(\(baseURL))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["baseURL": baseURL, "target": target]) }
}

/// Shuts an `HTTPClient` down when the application stops.
public struct HTTPClientService: Service {
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
