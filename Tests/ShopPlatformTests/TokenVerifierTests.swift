import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import ShopPlatform
import ShopTestSupport
import Synchronization
import Testing

@Suite("Token verification against a remote JWKS")
struct TokenVerifierTests {
    static func token(signedBy key: ES256PrivateKey, issuer: String = "microshop-user-service") async throws -> String {
        let claims = AccessTokenClaims(
            principal: Principal(userID: 7, username: "zed", roles: [.customer, .admin], sessionID: "s1"),
            issuer: issuer, audience: "microshop", issuedAt: Date(), lifetime: .seconds(300))
        return try await JWTKeyCollection().add(ecdsa: key).sign(claims, kid: JWKIdentifier(string: KeyServer.kid(key)))
    }

    /// A verifier against the key server on `port`, as other services build one,
    /// except for the deadline: the key server counts requests, and a fetch
    /// retried after 5 s on a starved full run counted twice and failed a test.
    static func verifier(port: Int, minimumRefreshInterval: Duration) -> TokenVerifier {
        TokenVerifier(
            source: RemoteKeySource(userServiceURL: "http://127.0.0.1:\(port)", timeout: .seconds(60)),
            issuer: "microshop-user-service",
            audience: "microshop", minimumRefreshInterval: minimumRefreshInterval, logger: Logger(label: "test"))
    }

    @Test func fetchesCachesAndRefetchesOnUnknownKid() async throws {
        let first = ES256PrivateKey()
        let server = try KeyServer(signingKey: first)
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let verifier = Self.verifier(port: port, minimumRefreshInterval: .zero)

            let claims = try await verifier.verify(try await Self.token(signedBy: first))
            #expect(
                claims.principal == Principal(userID: 7, username: "zed", roles: [.customer, .admin], sessionID: "s1"))
            _ = try await verifier.verify(try await Self.token(signedBy: first))
            #expect(server.fetches.withLock { $0 } == 1, "keys should be cached")

            // user-service rotates: new key current, old one retired.
            let second = ES256PrivateKey()
            try server.publish([second])
            _ = try await verifier.verify(try await Self.token(signedBy: second))
            #expect(server.fetches.withLock { $0 } == 2)
            await #expect(throws: TokenVerifier.Failure.unknownKey) {
                try await verifier.verify(try await Self.token(signedBy: first))
            }
            await #expect(throws: TokenVerifier.Failure.wrongIssuer) {
                try await verifier.verify(try await Self.token(signedBy: second, issuer: "someone-else"))
            }
        }
    }

    @Test func unknownKidsCannotHammerTheKeyServer() async throws {
        let key = ES256PrivateKey()
        let server = try KeyServer(signingKey: key)
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let verifier = Self.verifier(port: port, minimumRefreshInterval: .seconds(60))
            for _ in 0..<10 {
                await #expect(throws: TokenVerifier.Failure.unknownKey) {
                    try await verifier.verify(try await Self.token(signedBy: ES256PrivateKey()))
                }
            }
            #expect(server.fetches.withLock { $0 } == 1)
        }
    }

    /// Twenty requests with one unknown `kid` at once share a single fetch.
    @Test func concurrentUnknownKidsShareOneFetch() async throws {
        let key = ES256PrivateKey()
        let server = try KeyServer(signingKey: key)
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let verifier = Self.verifier(port: port, minimumRefreshInterval: .seconds(60))
            let token = try await Self.token(signedBy: key)
            let verified = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { (try? await verifier.verify(token)) != nil } }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(verified == 20, "every request waits for the one fetch and then verifies")
            #expect(server.fetches.withLock { $0 } == 1)
        }
    }

    @Test func unreachableKeyServerMeansRejectionNotAHang() async throws {
        let verifier = TokenVerifier(
            source: RemoteKeySource(userServiceURL: "http://127.0.0.1:9"), issuer: "microshop-user-service",
            audience: "microshop", logger: Logger(label: "test"))
        await #expect(throws: TokenVerifier.Failure.unknownKey) {
            try await verifier.verify(try await Self.token(signedBy: ES256PrivateKey()))
        }
    }
}

@Suite("Authorization header parsing")
struct AuthorizationHeaderTests {
    static let jwt = "aaa.bbb.ccc"

    /// Replicas' clocks differ a little: a token one issues a few seconds
    /// ahead of another's clock verifies there at once (before, the customer
    /// was taken for anonymous); one dated minutes ahead does not.
    @Test func aFewSecondsOfClockSkewAreTolerated() async throws {
        let keys = await JWTKeyCollection().add(ecdsa: ES256PrivateKey())
        func token(issuedIn offset: TimeInterval) async throws -> String {
            try await keys.sign(
                AccessTokenClaims(
                    principal: Principal(userID: 7, username: "zed", roles: [.customer], sessionID: "s1"),
                    issuer: "i", audience: "a", issuedAt: Date().addingTimeInterval(offset), lifetime: .seconds(300)))
        }
        _ = try await keys.verify(try await token(issuedIn: 5), as: AccessTokenClaims.self)
        await #expect(throws: (any Error).self) {
            try await keys.verify(try await token(issuedIn: 600), as: AccessTokenClaims.self)
        }
    }

    @Test func acceptsBearerAndBothBasicForms() {
        #expect(TokenAuthenticator.token(from: [.authorization: "Bearer \(Self.jwt)"]) == Self.jwt)
        #expect(TokenAuthenticator.token(from: [.authorization: "Basic \(Self.jwt)"]) == Self.jwt)
        let encoded = Data("\(Self.jwt):".utf8).base64EncodedString()
        #expect(TokenAuthenticator.token(from: [.authorization: "Basic \(encoded)"]) == Self.jwt)
    }

    @Test(arguments: ["Bearer  \(jwt) ", "Bearer \(jwt)\t", "Basic  \(jwt)", "Basic \t\(jwt) \t"])
    func dropsSpacesAndTabsAroundTheToken(header: String) {
        #expect(TokenAuthenticator.token(from: [.authorization: header]) == Self.jwt)
    }

    @Test(arguments: ["", "Bearer", "Basic", "Digest abc", "Basic bm90LWEtdG9rZW46cGFzcw==", "Token aaa.bbb.ccc"])
    func ignoresAnythingElse(header: String) {
        #expect(TokenAuthenticator.token(from: [.authorization: header]) == nil)
    }
}
