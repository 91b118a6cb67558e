import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle

/// The one outbound HTTP client wrapper: one dependency's base URL, credential,
/// deadline and `CallPolicy` (faults, circuit breaker, retries of idempotent
/// calls, metrics). It sends JSON calls itself, and backs the clients generated
/// from the providers' OpenAPI documents (`transport`, `middleware`), so both
/// kinds of call behave alike. The caller's request id and trace context travel along.
public struct ServiceClient: Sendable {
    /// The dependency could not be reached or answered 5xx: a clear 503 upstream.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public struct Reply: Sendable {
        public let status: HTTPResponse.Status
        public let headers: HTTPFields
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
    /// Sent with every call: the dependency's credential, when it wants one.
    let headers: HTTPFields
    public var breaker: CircuitBreaker { policy.breaker }
    let policy: CallPolicy

    public init(
        baseURL: String, target: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(3),
        maxAttempts: Int = 3, headers: HTTPFields = [:], breaker: CircuitBreaker = CircuitBreaker(),
        faults: Faults = .none
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.target = target
        self.httpClient = httpClient
        self.timeout = timeout
        self.headers = headers
        self.policy = CallPolicy(
            baseURL: self.baseURL, breaker: breaker, metrics: ClientMetrics(target: target), faults: faults,
            maxAttempts: max(1, maxAttempts))
    }

    /// Sends one request. 4xx answers are returned to the caller (never retried);
    /// connection failures, timeouts and 5xx count against the breaker and are
    /// retried only when `idempotent`.
    public func send(
        _ method: HTTPRequest.Method, _ path: String, body: Data? = nil, contentType: String = "application/json",
        headers extraHeaders: HTTPFields = [:], idempotent: Bool, requestID: String? = nil,
        timeout: Duration? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method.rawValue)
        var fields: HTTPFields = [.accept: "application/json"]
        fields.append(contentsOf: headers)
        fields.append(contentsOf: extraHeaders)
        if let requestID { fields[.requestID] = requestID }
        if let body {
            fields[.contentType] = contentType
            request.body = .bytes(ByteBuffer(data: body))
        }
        for field in fields { request.headers.add(name: field.name.canonicalName, value: field.value) }
        // AsyncHTTPClient records a client span and sends the W3C `traceparent`
        // of the current trace itself.
        return try await execute(request, path: path, idempotent: idempotent, timeout: timeout ?? self.timeout)
    }

    private func execute(_ request: HTTPClientRequest, path: String, idempotent: Bool, timeout: Duration) async throws
        -> Reply
    {
        try await policy.run(
            method: request.method.rawValue, path: path, idempotent: idempotent, status: { Int($0.status.code) },
            injected: { status in
                Reply(
                    status: .init(standardCode: status), headers: [.contentType: "application/problem+json"],
                    body: ByteBuffer(string: #"{"status":\#(status),"detail":"Injected fault"}"#))
            },
            attempt: {
                let response = try await httpClient.execute(request, deadline: NIODeadline.now() + TimeAmount(timeout))
                let body = try await response.body.collect(upTo: Self.maxBody)
                var fields = HTTPFields()
                for header in response.headers {
                    if let name = HTTPField.Name(header.name) {
                        fields.append(HTTPField(name: name, value: header.value))
                    }
                }
                return Reply(status: .init(standardCode: Int(response.status.code)), headers: fields, body: body)
            })
    }

    /// The largest answer read from a dependency.
    static let maxBody = 8 << 20

    /// GET a JSON document; retried as GET is idempotent. Non-200 answers throw
    /// `UnexpectedStatus`.
    public func getJSON<T: Decodable>(
        _ path: String, as type: T.Type, requestID: String? = nil, timeout: Duration? = nil
    ) async throws -> T {
        let reply = try await send(.get, path, idempotent: true, requestID: requestID, timeout: timeout)
        guard reply.status == .ok else { throw UnexpectedStatus(status: reply.status) }
        return try reply.decode(T.self)
    }

    /// A 4xx answer where the caller expected success.
    public struct UnexpectedStatus: Error {
        public let status: HTTPResponse.Status
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
