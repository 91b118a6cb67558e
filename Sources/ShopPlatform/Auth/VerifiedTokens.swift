import Crypto
import Foundation
import Synchronization

/// Tokens whose signature, issuer and audience have already been checked, so a
/// client presenting the same token again skips the ES256 verification.
///
/// Keyed by the token's SHA-256, so the cache never holds a credential. An
/// entry lives until its token expires and is never trusted past that; the
/// whole cache is dropped when the verification keys change, so a key removed
/// upstream stops verifying at once. Revocation is not cached here: it is
/// checked on every request after verification (`TokenAuthenticator`).
final class VerifiedTokens: Sendable {
    private struct Entry {
        let claims: AccessTokenClaims
        let expires: Date
    }

    private struct State {
        /// With a capacity of 0 (a limit of 0), remembering is off.
        var entries: RecentlyUsed<SHA256Digest, Entry>
        /// Counts key changes: claims verified under older keys are not remembered.
        var keyGeneration = 0
    }

    private let state: Mutex<State>
    /// At most `limit` tokens are remembered: past it, expired entries go and,
    /// if that frees too little, the least recently presented (`RecentlyUsed`).
    init(limit: Int) {
        self.state = Mutex(State(entries: RecentlyUsed(capacity: limit)))
    }

    static func key(_ token: String) -> SHA256Digest {
        SHA256.hash(data: Data(token.utf8))
    }

    /// The claims verified earlier for this token, while it has not expired.
    func claims(for key: SHA256Digest, now: Date = Date()) -> AccessTokenClaims? {
        state.withLock { state in
            guard let entry = state.entries.use(key) else { return nil }
            guard now < entry.expires else {
                state.entries.remove(key)
                return nil
            }
            return entry.claims
        }
    }

    var keyGeneration: Int {
        state.withLock { $0.keyGeneration }
    }

    /// Remembers claims verified with the keys of `keyGeneration`, unless the
    /// keys have changed since.
    func remember(_ claims: AccessTokenClaims, for key: SHA256Digest, verifiedIn keyGeneration: Int, now: Date = Date())
    {
        state.withLock { state in
            guard state.keyGeneration == keyGeneration else { return }
            state.entries.insert(
                Entry(claims: claims, expires: claims.expiration.value), for: key, isStale: { now >= $0.expires })
        }
    }

    /// Forgets every token: the keys changed.
    func keysChanged() {
        state.withLock { state in
            state.entries.removeAll()
            state.keyGeneration += 1
        }
    }

    var count: Int {
        state.withLock { $0.entries.count }
    }
}
