import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import ShopPlatform
import Synchronization

/// A stand-in for user-service's JWKS and revocation feed over real HTTP, so
/// services under test verify tokens exactly as in production. It counts
/// fetches and mints tokens.
public final class KeyServer: Sendable {
    public let jwks = Mutex(JWKS(keys: []))
    public let fetches = Mutex(0)
    /// Session ids published as revoked.
    public let revokedSessions = Mutex<[String]>([])
    public let signingKey: ES256PrivateKey

    public init(signingKey: ES256PrivateKey = ES256PrivateKey()) throws {
        self.signingKey = signingKey
        try publish([signingKey])
    }

    public func publish(_ keys: [ES256PrivateKey]) throws {
        let set = JWKS(keys: try keys.map(Self.jwk))
        jwks.withLock { $0 = set }
    }

    public static func kid(_ key: ES256PrivateKey) -> String {
        String(key.publicKey.parameters!.x.prefix(12))
    }

    static func jwk(_ key: ES256PrivateKey) throws -> JWK {
        guard let parameters = key.publicKey.parameters else { throw TestSetupError("no EC parameters") }
        return .ecdsa(
            .es256, identifier: JWKIdentifier(string: kid(key)), x: parameters.x, y: parameters.y, curve: .p256)
    }

    public func application() -> some ApplicationProtocol {
        let router = Router()
        router.get(".well-known/jwks.json") { _, _ in
            self.fetches.withLock { $0 += 1 }
            let data = try JSONEncoder().encode(self.jwks.withLock { $0 })
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("v1/revocations") { _, _ in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let feed = RevocationFeed(
                asOf: now, retainSeconds: 3600,
                sessions: self.revokedSessions.withLock { $0 }.map { .init(id: $0, revokedAt: now) })
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(feed))))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Runs the key server on a free port for the duration of `body`, passing its URL.
    public func serve<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        try await TestPhase.around("key server (live)") {
            try await application().test(.live) { client in
                try await client.answeringFirst {
                    guard let port = client.port else { throw TestSetupError("key server has no port") }
                    return try await body("http://127.0.0.1:\(port)")
                }
            }
        }
    }

    /// A token as user-service would issue it.
    public func token(
        userID: Int64, username: String? = nil, roles: Set<Principal.Role> = [.customer], key: ES256PrivateKey? = nil,
        issuer: String = "microshop-user-service", lifetime: Duration = .seconds(600)
    ) async throws -> String {
        let signer = key ?? signingKey
        let claims = AccessTokenClaims(
            principal: Principal(userID: userID, username: username ?? "user\(userID)", roles: roles, sessionID: "s"),
            issuer: issuer, audience: "microshop", issuedAt: Date(), lifetime: lifetime)
        return try await JWTKeyCollection().add(ecdsa: signer).sign(
            claims, kid: JWKIdentifier(string: Self.kid(signer)))
    }
}
