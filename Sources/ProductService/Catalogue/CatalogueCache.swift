import Crypto
import Foundation
import NIOCore
import ShopPlatform
import Synchronization

/// Pre-encoded catalogue responses with their ETags.
///
/// Encoding a page of products per request costs several times the server's own
/// per-request overhead, and catalogue reads dominate traffic. Entries are
/// dropped on every local catalogue write and expire after `ttl`, so a replica
/// sees other replicas' writes, and anyone's sales, within `ttl` at worst.
/// At most `maxEntries` are kept: the expired go first, then the least
/// recently used (`RecentlyUsed`).
/// Concurrent misses for one key share a single load (single flight); a load
/// that started before an `invalidate()` is returned to its callers but never
/// stored, so a write is never hidden behind an older read.
final class CatalogueCache: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        let etag: String
        let storedAt: ContinuousClock.Instant

        init(encoding data: Data) {
            self.body = ByteBuffer(data: data)
            self.etag = CatalogueCache.etag(for: data)
            self.storedAt = .now
        }
    }

    private struct State {
        var entries: RecentlyUsed<String, Entry>
        var loading: [String: Task<Entry, any Error>] = [:]
        /// Bumped by `invalidate()`; a load stores its entry only if unchanged.
        var generation = 0
    }

    private enum Lookup {
        case hit(Entry)
        case load(Task<Entry, any Error>)
    }

    private let state: Mutex<State>
    let ttl: Duration

    init(ttl: Duration, maxEntries: Int = 1000) {
        self.ttl = ttl
        self.state = Mutex(State(entries: RecentlyUsed(capacity: maxEntries)))
    }

    /// The cached entry for `key`, or the one being loaded, or a fresh one loaded
    /// (outside the lock) by `make`.
    func entry(for key: String, make: @escaping @Sendable () async throws -> Data) async throws -> Entry {
        let now = ContinuousClock.now
        let lookup = state.withLock { state -> Lookup in
            if let hit = state.entries.use(key), now - hit.storedAt < ttl { return .hit(hit) }
            if let loading = state.loading[key] { return .load(loading) }
            let generation = state.generation
            let task = Task { [self] in
                do {
                    let entry = Entry(encoding: try await make())
                    store(entry, for: key, generation: generation)
                    return entry
                } catch {
                    store(nil, for: key, generation: generation)
                    throw error
                }
            }
            state.loading[key] = task
            return .load(task)
        }
        switch lookup {
        case .hit(let entry):
            ReservationMetrics.cache.increment(.hit)
            return entry
        case .load(let task):
            ReservationMetrics.cache.increment(.miss)
            return try await task.value
        }
    }

    private func store(_ entry: Entry?, for key: String, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            state.loading[key] = nil
            guard let entry else { return }
            let now = ContinuousClock.now
            state.entries.insert(entry, for: key, isStale: { [ttl] in now - $0.storedAt >= ttl })
        }
    }

    /// How many responses are kept now.
    var count: Int { state.withLock { $0.entries.count } }

    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll()
            state.loading.removeAll(keepingCapacity: true)
        }
    }

    /// A strong validator derived from the bytes themselves, identical on every replica.
    static func etag(for data: Data) -> String {
        let digest = SHA256.hash(data: data)
        return "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }
}
