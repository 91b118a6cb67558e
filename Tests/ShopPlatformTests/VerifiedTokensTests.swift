import Foundation
import JWTKit
import Logging
import ShopTestSupport
import Testing

@testable import ShopPlatform

/// The verifier remembers verified tokens (their hash) so a client's repeated
/// requests skip the signature check, without ever trusting a token longer than
/// verification would. Revocation on top of it: `RevocationListTests`.
@Suite("Verified-token memory")
struct VerifiedTokensTests {
    static func token(signedBy key: ES256PrivateKey, lifetime: Duration = .seconds(300)) async throws -> String {
        let claims = AccessTokenClaims(
            principal: Principal(userID: 7, username: "zed", roles: [.customer], sessionID: "s1"),
            issuer: "microshop-user-service", audience: "microshop", issuedAt: Date(), lifetime: lifetime)
        return try await JWTKeyCollection().add(ecdsa: key).sign(claims, kid: JWKIdentifier(string: KeyServer.kid(key)))
    }

    static func withVerifier(
        remembering limit: Int = 10_000, _ body: @Sendable (KeyServer, TokenVerifier) async throws -> Void
    ) async throws {
        let server = try KeyServer()
        try await server.application().test(.live) { client in
            let verifier = TokenVerifier(
                source: RemoteKeySource(
                    userServiceURL: "http://127.0.0.1:\(try #require(client.port))", timeout: .seconds(60)),
                issuer: "microshop-user-service", audience: "microshop", minimumRefreshInterval: .zero,
                rememberedTokens: limit, logger: Logger(label: "test"))
            try await body(server, verifier)
        }
    }

    @Test func aTokenIsVerifiedOnceAndRememberedByItsHash() async throws {
        try await Self.withVerifier { server, verifier in
            let token = try await Self.token(signedBy: server.signingKey)
            #expect(try await verifier.verify(token).username == "zed")
            #expect(verifier.verified.count == 1, "the first verification, which also loaded the keys, counts")
            for _ in 0..<3 { #expect(try await verifier.verify(token).username == "zed") }
            #expect(verifier.verified.count == 1)
            _ = try await verifier.verify(try await Self.token(signedBy: server.signingKey))
            #expect(verifier.verified.count == 2)
        }
    }

    @Test func aRememberedTokenIsRefusedOnceItExpires() async throws {
        try await Self.withVerifier { server, verifier in
            try await verifier.refresh()  // keys loaded first: the token's life is spent verifying only
            let token = try await Self.token(signedBy: server.signingKey, lifetime: .seconds(3))
            let claims = try await verifier.verify(token)
            #expect(verifier.verified.count == 1)
            try await Task.sleep(for: .seconds(claims.expiration.value.timeIntervalSinceNow + 1.2))
            await #expect(throws: TokenVerifier.Failure.invalidSignatureOrClaims) { try await verifier.verify(token) }
            #expect(verifier.verified.count == 0)
        }
    }

    /// The same at the memory itself, on a given clock: never an answer at or
    /// past the token's expiry, and the entry goes.
    @Test func anEntryIsNeverAnsweredPastItsExpiry() {
        let tokens = VerifiedTokens(limit: 10)
        let claims = AccessTokenClaims(
            principal: Principal(userID: 1, username: "a", roles: [], sessionID: nil), issuer: "i", audience: "a",
            issuedAt: Date(), lifetime: .seconds(60))
        let key = VerifiedTokens.key("t")
        tokens.remember(claims, for: key, verifiedIn: tokens.keyGeneration)
        let expiry = claims.expiration.value
        #expect(tokens.claims(for: key, now: expiry.addingTimeInterval(-1)) == claims)
        #expect(tokens.claims(for: key, now: expiry) == nil)
        #expect(tokens.count == 0)
    }

    /// user-service retires a key: tokens it signed stop verifying at the next
    /// key refresh, even those verified (and remembered) before it.
    @Test func aRetiredKeyStopsRememberedTokens() async throws {
        try await Self.withVerifier { server, verifier in
            let token = try await Self.token(signedBy: server.signingKey)
            _ = try await verifier.verify(token)
            try server.publish([ES256PrivateKey()])
            try await verifier.refresh()
            await #expect(throws: TokenVerifier.Failure.unknownKey) { try await verifier.verify(token) }
        }
    }

    /// Anyone can make the verifier refresh its keys (a token with an unknown
    /// `kid`); when the keys come back the same, remembered tokens stay.
    @Test func aRefreshThatChangesNoKeyKeepsRememberedTokens() async throws {
        try await Self.withVerifier { server, verifier in
            _ = try await verifier.verify(try await Self.token(signedBy: server.signingKey))
            await #expect(throws: TokenVerifier.Failure.unknownKey) {
                try await verifier.verify(try await Self.token(signedBy: ES256PrivateKey()))
            }
            try await verifier.refresh()
            #expect(server.fetches.withLock { $0 } == 3)
            #expect(verifier.verified.count == 1)
        }
    }

    @Test func theMemoryIsBounded() async throws {
        try await Self.withVerifier(remembering: 4) { server, verifier in
            for _ in 0..<10 {
                _ = try await verifier.verify(try await Self.token(signedBy: server.signingKey))
                #expect(verifier.verified.count <= 4)
            }
            #expect(verifier.verified.count > 0)
        }
    }

    /// Anyone can present made-up tokens: a stream of them does not push out
    /// the one a customer keeps presenting.
    @Test func aTokenInUseStaysWhileOthersPassThrough() {
        let tokens = VerifiedTokens(limit: 8)
        func claims(_ user: Int64) -> AccessTokenClaims {
            AccessTokenClaims(
                principal: Principal(userID: user, username: "u\(user)", roles: [], sessionID: nil), issuer: "i",
                audience: "a", issuedAt: Date(), lifetime: .seconds(60))
        }
        let hot = VerifiedTokens.key("hot")
        tokens.remember(claims(0), for: hot, verifiedIn: tokens.keyGeneration)
        for user in 1...100 {
            tokens.remember(claims(Int64(user)), for: VerifiedTokens.key("t\(user)"), verifiedIn: tokens.keyGeneration)
            #expect(tokens.claims(for: hot) != nil, "forgotten after \(user) others")
            #expect(tokens.count <= 8)
        }
    }

    @Test func claimsVerifiedUnderOlderKeysAreNotRemembered() throws {
        let tokens = VerifiedTokens(limit: 10)
        let claims = AccessTokenClaims(
            principal: Principal(userID: 1, username: "a", roles: [], sessionID: nil), issuer: "i", audience: "a",
            issuedAt: Date(), lifetime: .seconds(60))
        let generation = tokens.keyGeneration
        tokens.keysChanged()
        tokens.remember(claims, for: VerifiedTokens.key("t"), verifiedIn: generation)
        #expect(tokens.claims(for: VerifiedTokens.key("t")) == nil)
        tokens.remember(claims, for: VerifiedTokens.key("t"), verifiedIn: tokens.keyGeneration)
        #expect(tokens.claims(for: VerifiedTokens.key("t")) == claims)
    }
}
