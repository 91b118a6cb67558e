import Crypto
import Foundation
import JWTKit
import ShopPlatform

/// Issues access tokens (signed JWTs) and opaque refresh tokens.
struct TokenIssuer: Sendable {
    let signer: JWTKeyCollection
    /// Written into every token header so verifiers pick the right public key.
    let keyID: String
    let settings: TokenSettings
    let accessLifetime: Duration

    struct AccessToken: Sendable {
        let token: String
        let expiresAt: Date
    }

    func accessToken(for user: User, sessionID: String, lifetime: Duration? = nil) async throws -> AccessToken {
        let principal = Principal(
            userID: user.id, username: user.username, roles: user.isAdmin ? [.customer, .admin] : [.customer],
            sessionID: sessionID)
        let claims = AccessTokenClaims(
            principal: principal, issuer: settings.issuer, audience: settings.audience, issuedAt: Date(),
            lifetime: lifetime ?? accessLifetime)
        return AccessToken(
            token: try await signer.sign(claims, kid: JWKIdentifier(string: keyID)), expiresAt: claims.expiration.value)
    }

    /// 256 random bits, base64url: the caller's copy. Only its hash is stored.
    static func newRefreshToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URLEncodedString()
    }

    static func hash(refreshToken: String) -> String {
        SHA256.hash(data: Data(refreshToken.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
