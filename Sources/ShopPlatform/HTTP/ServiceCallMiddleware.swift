import Foundation
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// Puts a generated client's calls under the same rules as `ServiceClient`'s:
/// the credential and the caller's request id on every request, the answer read
/// in full within the deadline, and `CallPolicy` around each attempt.
///
/// GET, HEAD, PUT and DELETE are retried as HTTP makes them idempotent; a POST
/// only when its operation is listed in `idempotentOperations` (the provider
/// documents it as safe to repeat, e.g. a reservation keyed by its checkout id).
public struct ServiceCallMiddleware: ClientMiddleware {
    /// The id of the request being served, sent along as `X-Request-ID` on the
    /// calls made for it, so one id follows a request through every service.
    @TaskLocal public static var requestID: String?
    /// The access token of the person a call is made for (the storefront calling
    /// with its customer's token), sent as the bearer credential.
    @TaskLocal public static var bearerToken: String?

    let policy: CallPolicy
    let headers: HTTPFields
    let idempotentOperations: Set<String>

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields.append(contentsOf: headers)
        if let requestID = Self.requestID { request.headerFields[.requestID] = requestID }
        if let token = Self.bearerToken { request.headerFields[.authorization] = "Bearer \(token)" }
        // swift-openapi-runtime writes header parameters URI-encoded, so an entity
        // tag's quotes would go out as %22 and never match: the shop's header
        // parameters are sent as themselves.
        for name in [HTTPField.Name.ifMatch, .ifNoneMatch, .idempotencyKey] {
            if let value = request.headerFields[name], let tag = value.removingPercentEncoding {
                request.headerFields[name] = tag
            }
        }
        let idempotent =
            [.get, .head, .put, .delete].contains(request.method) || idempotentOperations.contains(operationID)
        let path = request.path ?? "/"
        let (response, data): (HTTPResponse, Data?) = try await policy.run(
            method: request.method.rawValue, path: path, idempotent: idempotent,
            status: { Int($0.0.status.code) },
            injected: { status in
                var fields = HTTPFields()
                fields[.contentType] = "application/problem+json"
                return (
                    HTTPResponse(status: .init(code: status), headerFields: fields),
                    Data(
                        #"{"type":"about:blank","title":"Injected","status":\#(status),"detail":"Injected fault"}"#.utf8
                    )
                )
            },
            attempt: {
                let response: HTTPResponse
                let answer: HTTPBody?
                do {
                    (response, answer) = try await next(request, body, baseURL)
                } catch let error as ClientError {
                    // The transport's own error: the runtime's wrapper describes the
                    // operation's input (a password, a refresh token), which must not
                    // end up in an error message or a log line.
                    throw error.underlyingError
                }
                guard let answer else { return (response, nil) }
                return (response, try await Data(collecting: answer, upTo: ServiceClient.maxBody))
            })
        return (response, data.map { HTTPBody($0) })
    }
}

/// Described without its headers: they carry the service credential, and
/// ServiceLifecycle logs the services it runs (with the clients they hold) at debug.
extension ServiceCallMiddleware: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ServiceCallMiddleware(\(policy.baseURL))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["baseURL": policy.baseURL]) }
}

extension ServiceCallMiddleware {
    /// Runs `call` (calls of a generated client) for the request `requestID`,
    /// on behalf of the holder of `token` when given. An error a middleware threw
    /// (`ServiceClient.Unavailable`, a refusal) comes out as itself, not wrapped
    /// in the generated client's `ClientError`.
    public static func calling<T>(
        requestID: String?, token: String? = nil, _ call: () async throws -> T
    ) async throws -> T {
        do {
            return try await $requestID.withValue(requestID) {
                try await $bearerToken.withValue(token) { try await call() }
            }
        } catch let error as ClientError {
            throw error.underlyingError
        }
    }
}

extension ServiceClient {
    /// The transport for a generated client of this dependency: its HTTP client,
    /// each attempt bounded by the call deadline.
    public var transport: AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: .init(timeout)))
    }

    /// Where a generated client of this dependency sends its calls.
    public var serverURL: URL {
        get throws {
            guard let url = URL(string: baseURL) else { throw Unavailable(description: "\(baseURL) is not a URL") }
            return url
        }
    }

    /// This dependency's rules for a generated client; `idempotentOperations`
    /// are the POST operations it may retry.
    public func middleware(idempotentOperations: Set<String> = []) -> ServiceCallMiddleware {
        ServiceCallMiddleware(policy: policy, headers: headers, idempotentOperations: idempotentOperations)
    }
}

extension HTTPField.Name {
    /// Makes a retried POST safe: the same key never does the work twice.
    public static var idempotencyKey: Self { .init("Idempotency-Key")! }
}
