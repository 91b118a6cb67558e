import Foundation
import JWTKit
import Logging

/// Where verification keys come from: user-service's own key ring, or its
/// published `/.well-known/jwks.json` for every other service.
public protocol VerificationKeySource: Sendable {
    func verificationKeys() async throws -> JWKS
}

/// Verifies access tokens locally: no call to user-service per request.
///
/// Only ES256 tokens with a `kid` are considered, so `alg: none`, HMAC-confusion
/// and key-less tokens never reach signature checking. An unknown `kid` triggers
/// one key refresh (rate limited, so forged kids cannot hammer user-service); the
/// collection is rebuilt from scratch, so keys removed upstream stop verifying.
/// A token verified once is remembered until it expires (`VerifiedTokens`), so
/// a client's repeated requests cost one hash, not one signature check each.
public actor TokenVerifier {
    public enum Failure: Error, Equatable {
        case malformed, unsupportedAlgorithm, unknownKey, invalidSignatureOrClaims, wrongIssuer, wrongAudience
    }

    let source: any VerificationKeySource
    let issuer: String
    let audience: String
    let minimumRefreshInterval: Duration
    let logger: Logger
    private var keys = JWTKeyCollection()
    private var knownKeyIDs: Set<String> = []
    private var lastRefresh: ContinuousClock.Instant?
    /// The loaded keys, encoded: tells a refresh that changed them from one that did not.
    private var keysFingerprint: Data?
    /// The refresh under way: concurrent requests with an unknown `kid` wait for
    /// this one fetch instead of each starting their own.
    private var pendingRefresh: Task<Void, Never>?
    nonisolated let verified: VerifiedTokens

    /// - Parameter rememberedTokens: how many verified tokens to remember (0: none).
    public init(
        source: any VerificationKeySource, issuer: String, audience: String,
        minimumRefreshInterval: Duration = .seconds(10), rememberedTokens: Int = 10_000, logger: Logger
    ) {
        self.source = source
        self.issuer = issuer
        self.audience = audience
        self.minimumRefreshInterval = minimumRefreshInterval
        self.verified = VerifiedTokens(limit: rememberedTokens)
        self.logger = logger
    }

    /// The token's claims once its signature, issuer, audience and times hold.
    /// Runs off the actor when the token was verified before.
    public nonisolated func verify(_ token: String) async throws -> AccessTokenClaims {
        let key = VerifiedTokens.key(token)
        if let claims = verified.claims(for: key) { return claims }
        let (claims, keyGeneration) = try await verifyAgainstKeys(token)
        verified.remember(claims, for: key, verifiedIn: keyGeneration)
        return claims
    }

    /// The claims, and the generation of the keys that verified them: read with
    /// the keys, so a refresh while the signature is checked forgets the claims.
    private func verifyAgainstKeys(_ token: String) async throws -> (AccessTokenClaims, keyGeneration: Int) {
        let header = try Self.header(of: token)
        guard header.alg == "ES256" else { throw Failure.unsupportedAlgorithm }
        guard let kid = header.kid, !kid.isEmpty else { throw Failure.unknownKey }
        if !knownKeyIDs.contains(kid) {
            await refreshIfAllowed()
            guard knownKeyIDs.contains(kid) else { throw Failure.unknownKey }
        }
        let claims: AccessTokenClaims
        let keyGeneration = verified.keyGeneration
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw Failure.invalidSignatureOrClaims
        }
        guard claims.issuer.value == issuer else { throw Failure.wrongIssuer }
        guard claims.audience.value.contains(audience) else { throw Failure.wrongAudience }
        return (claims, keyGeneration)
    }

    /// Reloads keys now, e.g. after user-service rotated them.
    public func refresh() async throws {
        let jwks = try await source.verificationKeys()
        let collection = JWTKeyCollection()
        var ids: Set<String> = []
        var loaded: [(kid: String, key: JWK)] = []
        for jwk in jwks.keys where jwk.keyType == .ecdsa {
            guard let kid = jwk.keyIdentifier?.string else { continue }
            try await collection.add(jwk: jwk, isDefault: false)
            ids.insert(kid)
            loaded.append((kid, jwk))
        }
        // Remembered tokens go only when the keys really changed: a refresh is
        // what any stranger's unknown `kid` triggers, every few seconds at most,
        // and must not cost every client a fresh signature check.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let fingerprint = try? encoder.encode(loaded.sorted { $0.kid < $1.kid }.map(\.key))
        keys = collection
        knownKeyIDs = ids
        if fingerprint == nil || fingerprint != keysFingerprint { verified.keysChanged() }
        keysFingerprint = fingerprint
        lastRefresh = .now
        logger.debug("verification keys loaded", metadata: ["kids": "\(ids.sorted())"])
    }

    private func refreshIfAllowed() async {
        if let pendingRefresh { return await pendingRefresh.value }
        if let lastRefresh, ContinuousClock.now - lastRefresh < minimumRefreshInterval { return }
        let refresh = Task { await self.refreshLoggingFailure() }
        pendingRefresh = refresh
        await refresh.value
        pendingRefresh = nil
    }

    private func refreshLoggingFailure() async {
        do {
            try await refresh()
        } catch {
            lastRefresh = .now
            logger.warning("could not load verification keys", metadata: ["error": "\(error)"])
        }
    }

    struct Header: Decodable {
        let alg: String?
        let kid: String?
    }

    static func header(of token: String) throws -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[0])) else {
            throw Failure.malformed
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else { throw Failure.malformed }
        return header
    }
}
