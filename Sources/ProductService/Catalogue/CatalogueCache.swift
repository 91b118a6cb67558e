import Crypto
import Foundation
import NIOCore
import Synchronization

/// Pre-encoded catalogue responses with their ETags.
///
/// Encoding a page of products per request costs several times the server's own
/// per-request overhead, and catalogue reads dominate traffic. Entries are
/// dropped on every local write and expire after `ttl`, so a replica sees other
/// replicas' writes within `ttl` at worst.
final class CatalogueCache: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        let etag: String
        let storedAt: ContinuousClock.Instant

        init(encoding data: Data, at now: ContinuousClock.Instant = .now) {
            self.body = ByteBuffer(data: data)
            self.etag = CatalogueCache.etag(for: data)
            self.storedAt = now
        }
    }

    private let entries = Mutex<[String: Entry]>([:])
    let ttl: Duration
    let maxEntries: Int

    init(ttl: Duration, maxEntries: Int = 1000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    /// The cached entry for `key`, or a fresh one built (outside the lock) by `make`.
    func entry(for key: String, make: () async throws -> Data) async throws -> Entry {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[key] }), now - hit.storedAt < ttl { return hit }
        let data = try await make()
        let entry = Entry(encoding: data, at: now)
        entries.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return entry
    }

    func invalidate() {
        entries.withLock { $0.removeAll(keepingCapacity: true) }
    }

    /// A strong validator derived from the bytes themselves, identical on every replica.
    static func etag(for data: Data) -> String {
        let digest = SHA256.hash(data: data)
        return "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }
}
