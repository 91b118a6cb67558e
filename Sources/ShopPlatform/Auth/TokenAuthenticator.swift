import Foundation
import Hummingbird
import HummingbirdAuth

/// Attaches a `Principal` when the request carries a valid access token.
///
/// Accepts `Authorization: Bearer <token>` and, because the training shop's
/// frontend sends it, `Basic <token>` with the raw token (or a base64 `token:`
/// pair). A missing or invalid token leaves the request anonymous; routes that
/// need a user reject it, routes that do not (like legacy logout) still answer.
public struct TokenAuthenticator: AuthenticatorMiddleware {
    public typealias Context = ShopRequestContext
    public typealias Identity = Principal

    let verifier: TokenVerifier
    /// Extra local check, e.g. user-service rejecting tokens of a revoked session.
    let accept: (@Sendable (AccessTokenClaims) async throws -> Bool)?

    public init(verifier: TokenVerifier, accept: (@Sendable (AccessTokenClaims) async throws -> Bool)? = nil) {
        self.verifier = verifier
        self.accept = accept
    }

    /// For services other than user-service: tokens of sessions user-service
    /// has revoked are refused as soon as `revoked` has heard of them. Before
    /// the list was ever loaded a token cannot be checked: the request waits
    /// up to `wait` for the first poll, then gets 503.
    public init(verifier: TokenVerifier, refusing revoked: RevocationList, wait: Duration = .seconds(10)) {
        self.init(verifier: verifier) { claims in
            if let refused = revoked.refuses(claims.sessionID) { return !refused }
            guard await revoked.waitUntilLoaded(upTo: wait) else {
                throw ProblemError(
                    .serviceUnavailable, "Sign-ins cannot be checked yet; try again in a moment",
                    retryAfter: 1)
            }
            return revoked.refuses(claims.sessionID) == false
        }
    }

    public func authenticate(request: Request, context: Context) async throws -> Principal? {
        try await verified(request)?.claims.principal
    }

    /// Like the protocol's default, but also keeps the raw token on the context.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let (token, claims) = try await verified(request) {
            context.identity = claims.principal
            context.accessToken = token
        }
        return try await next(request, context)
    }

    private func verified(_ request: Request) async throws -> (token: String, claims: AccessTokenClaims)? {
        guard let token = Self.token(from: request.headers), let claims = try? await verifier.verify(token),
            try await accept?(claims) ?? true
        else { return nil }
        return (token, claims)
    }

    /// The token from a Bearer or Basic authorization header, if any.
    public static func token(from headers: HTTPFields) -> String? {
        guard let value = headers[.authorization] else { return nil }
        if let bearer = headers.bearer { return String(bearer.token.trimmingSpaces) }
        guard value.hasPrefix("Basic ") else { return nil }
        let credential = String(value.dropFirst("Basic ".count).trimmingSpaces)
        if credential.split(separator: ".", omittingEmptySubsequences: false).count == 3 { return credential }
        // A standards-following client base64-encodes "user:password"; take the token
        // from whichever side holds it.
        guard let decoded = Data(base64Encoded: credential) else { return nil }
        return String(decoding: decoded, as: UTF8.self).split(separator: ":").map(String.init)
            .first { $0.split(separator: ".", omittingEmptySubsequences: false).count == 3 }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's optional white
    /// space). Foundation's `trimmingCharacters` bridged through `NSString` and
    /// cost 8% of user-service's CPU on `/v1/users/me` (profiled).
    fileprivate var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
