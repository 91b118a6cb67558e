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
        var entries: [SHA256Digest: Entry] = [:]
        /// Counts key changes: claims verified under older keys are not remembered.
        var keyGeneration = 0
    }

    private let state = Mutex(State())
    /// At most this many tokens are remembered: past it, expired entries go and,
    /// if that frees less than a tenth, an arbitrary half (the dictionary's order).
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    static func key(_ token: String) -> SHA256Digest {
        SHA256.hash(data: Data(token.utf8))
    }

    /// The claims verified earlier for this token, while it has not expired.
    func claims(for key: SHA256Digest, now: Date = Date()) -> AccessTokenClaims? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard now < entry.expires else {
                state.entries[key] = nil
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
        guard limit > 0 else { return }
        state.withLock { state in
            guard state.keyGeneration == keyGeneration else { return }
            if state.entries.count >= limit {
                state.entries = state.entries.filter { now < $0.value.expires }
                // Still nearly full: halve it, or the next inserts would each scan it all again.
                if state.entries.count >= limit - limit / 10 {
                    state.entries = Dictionary(
                        uniqueKeysWithValues: state.entries.prefix(limit / 2).map { ($0.key, $0.value) })
                }
            }
            state.entries[key] = Entry(claims: claims, expires: claims.expiration.value)
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
