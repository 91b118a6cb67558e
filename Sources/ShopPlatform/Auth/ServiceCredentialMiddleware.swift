import Crypto
import Foundation
import Hummingbird

/// Guards internal APIs (stock reservations) that only another service may call.
///
/// The caller presents the shared service credential from configuration as a
/// bearer token. A customer's or admin's valid user token gets 403, anything
/// else 401. With no credential configured the API is closed to everyone.
public struct ServiceCredentialMiddleware: RouterMiddleware {
    public typealias Context = ShopRequestContext
    let credentialDigest: SHA256.Digest?

    public init(credential: String?) {
        self.credentialDigest = credential.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
    }

    /// Whether the request presents the service credential. Comparing
    /// fixed-length digests keeps the comparison independent of where a guess
    /// first differs.
    public func recognises(_ request: Request) -> Bool {
        guard let credentialDigest, let presented = TokenAuthenticator.token(from: request.headers) else {
            return false
        }
        return SHA256.hash(data: Data(presented.utf8)) == credentialDigest
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if recognises(request) {
            var context = context
            context.identity = Principal(userID: 0, username: "service", roles: [.service], sessionID: nil)
            return try await next(request, context)
        }
        if context.identity != nil { throw ProblemError.forbidden("This API is for Microshop services only") }
        throw ProblemError.unauthorized("A service credential is required")
    }
}
