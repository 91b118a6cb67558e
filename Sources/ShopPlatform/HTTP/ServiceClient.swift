import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one outbound HTTP client wrapper: every call has a deadline, idempotent
/// calls retry a bounded number of times with backoff, and the caller's request
/// id travels along.
public struct ServiceClient: Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// A 4xx answer: the request itself was wrong, so it is not retried.
    public struct UnexpectedStatus: Error {
        public let status: Int
    }

    public let baseURL: String
    let httpClient: HTTPClient
    let timeout: Duration
    let maxAttempts: Int

    public init(
        baseURL: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(3), maxAttempts: Int = 3
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxAttempts = max(1, maxAttempts)
    }

    /// GET `path` and decode a JSON body; retried on connection failures and 5xx.
    public func getJSON<T: Decodable>(_ path: String, as type: T.Type, requestID: String? = nil) async throws -> T {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        if let requestID { request.headers.add(name: "X-Request-ID", value: requestID) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await httpClient.execute(request, timeout: .init(timeout))
                let body = try await response.body.collect(upTo: 4 << 20)
                guard response.status.code < 500 else {
                    throw Unavailable(description: "\(baseURL)\(path) answered \(response.status.code)")
                }
                guard response.status == .ok else {
                    throw UnexpectedStatus(status: Int(response.status.code))
                }
                return try JSONDecoder.shop.decode(T.self, from: Data(buffer: body))
            } catch let error as DecodingError {
                throw error
            } catch let error as UnexpectedStatus {
                throw error
            } catch {
                if attempt >= maxAttempts { throw Unavailable(description: "\(baseURL)\(path): \(error)") }
                try await Task.sleep(for: .milliseconds(100 * (1 << (attempt - 1))))
            }
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
