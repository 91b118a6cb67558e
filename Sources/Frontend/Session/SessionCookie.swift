import Crypto
import Foundation
import Logging
import ShopPlatform

/// Seals the session into a cookie value with AES-GCM (confidential and tamper
/// evident) and opens it again; a value that does not open is treated as no session.
struct SessionCookie: Sendable {
    static let name = "microshop_session"
    let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    func seal(_ session: ShopSession) throws -> String {
        let plaintext = try JSONEncoder().encode(session)
        let box = try AES.GCM.seal(plaintext, using: key)
        guard let combined = box.combined else { throw CocoaError(.coderInvalidValue) }
        return combined.base64URLEncodedString()
    }

    func open(_ value: String) -> ShopSession? {
        guard let data = Data(base64URLEncoded: value), let box = try? AES.GCM.SealedBox(combined: data),
            let plaintext = try? AES.GCM.open(box, using: key)
        else { return nil }
        return try? JSONDecoder().decode(ShopSession.self, from: plaintext)
    }

    /// The configured key, or (local runs) one generated once into the data
    /// directory with 0600 permissions.
    static func key(configured: String?, dataDirectory: String, logger: Logger) throws -> SymmetricKey {
        if let configured, !configured.isEmpty {
            guard let bytes = Data(base64Encoded: configured), bytes.count == 32 else {
                throw ProblemError(.internalServerError, "SESSION_KEY must be 32 bytes, base64-encoded")
            }
            return SymmetricKey(data: bytes)
        }
        return try LocalSecret(directory: dataDirectory, name: "frontend-session-key") { saved in
            Data(base64Encoded: saved).flatMap { $0.count == 32 ? SymmetricKey(data: $0) : nil }
        } generate: {
            let key = SymmetricKey(size: .bits256)
            return (key, key.withUnsafeBytes { Data($0).base64EncodedString() })
        }.load(logger: logger).secret
    }
}
