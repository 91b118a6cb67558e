import Crypto
import Foundation
import JWTKit
import Logging
import ShopPlatform

/// user-service's ES256 keys: the current one signs, the previous one (during a
/// rotation) still verifies, and both are published as a JWKS.
///
/// The key comes from configuration (`SIGNING_KEY` PEM or `SIGNING_KEY_FILE`).
/// When neither is set (local runs) a key is generated once into the data
/// directory with 0600 permissions, so restarts keep issued tokens valid.
struct SigningKeyRing: Sendable, VerificationKeySource {
    let current: ES256PrivateKey
    let currentID: String
    let previous: [ES256PublicKey]

    init(current: ES256PrivateKey, previous: [ES256PublicKey] = []) throws {
        self.current = current
        self.currentID = try Self.thumbprint(of: current.publicKey)
        self.previous = previous
    }

    static func load(configuration: UserServiceConfiguration, logger: Logger) throws -> SigningKeyRing {
        let current: ES256PrivateKey
        if let pem = configuration.signingKeyPEM, !pem.isEmpty {
            current = try ES256PrivateKey(pem: pem)
        } else if let path = configuration.signingKeyFile {
            current = try ES256PrivateKey(pem: try String(contentsOfFile: path, encoding: .utf8))
        } else {
            current = try generatedKey(in: configuration.service.dataDirectory, logger: logger)
        }
        var previous: [ES256PublicKey] = []
        if let path = configuration.previousSigningKeyFile {
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            previous.append(try (try? ES256PrivateKey(pem: pem).publicKey) ?? ES256PublicKey(pem: pem))
        }
        return try SigningKeyRing(current: current, previous: previous)
    }

    private static func generatedKey(in directory: String, logger: Logger) throws -> ES256PrivateKey {
        try LocalSecret(directory: directory, name: "user-service-signing-key.pem") {
            try ES256PrivateKey(pem: $0)
        } generate: {
            let key = ES256PrivateKey()
            return (key, key.pemRepresentation)
        }.load(logger: logger).secret
    }

    func makeSigner() async -> JWTKeyCollection {
        await JWTKeyCollection().add(ecdsa: current, kid: JWKIdentifier(string: currentID))
    }

    /// Current and previous public keys.
    var jwks: JWKS {
        get throws {
            var keys = [try Self.jwk(for: current.publicKey)]
            for key in previous { keys.append(try Self.jwk(for: key)) }
            return JWKS(keys: keys)
        }
    }

    func verificationKeys() async throws -> JWKS { try jwks }

    private static func jwk(for key: ES256PublicKey) throws -> JWK {
        guard let parameters = key.parameters else { throw JWTError.invalidJWK(reason: "no EC parameters") }
        return .ecdsa(
            .es256, identifier: JWKIdentifier(string: try thumbprint(of: key)), x: parameters.x, y: parameters.y,
            curve: .p256)
    }

    /// RFC 7638 JWK thumbprint: stable, derived from the key, so every replica
    /// holding the same key announces the same `kid`.
    static func thumbprint(of key: ES256PublicKey) throws -> String {
        guard let parameters = key.parameters else { throw JWTError.invalidJWK(reason: "no EC parameters") }
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        return Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncodedString()
    }
}
