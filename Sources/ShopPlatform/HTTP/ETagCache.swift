import Synchronization

/// What a consumer built from a provider's answer (decoded, priced, rendered),
/// kept with the answer's ETag so the next read can ask with `If-None-Match`.
///
/// Every read still goes to the provider, so nothing served is staler than a
/// direct read; an unchanged answer (304) is just neither decoded nor built
/// again. The memory is bounded by weight (entries, products, bytes: the
/// caller's unit); when full, the least recently used half goes, so hot
/// answers stay however many cold ones pass through.
public final class ETagCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let etag: String
        let value: Value
        let weight: Int
        var lastUse: UInt64
    }

    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        var weight = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    /// The most weight kept at once.
    public let capacity: Int
    private let weigh: @Sendable (Value) -> Int

    /// `weight` says what a value costs against `capacity` (by default 1: a count of entries).
    public init(capacity: Int = 512, weight: @escaping @Sendable (Value) -> Int = { _ in 1 }) {
        precondition(capacity > 0, "an ETag cache needs room for one entry")
        self.capacity = capacity
        self.weigh = weight
    }

    /// The value for `key`: `fetch` is called with the ETag kept for it (nil when
    /// none) and answers nil when the provider says it is unchanged (304), else
    /// the new value with the answer's ETag (an answer without one is not kept).
    public func value(
        for key: String, fetch: (_ ifNoneMatch: String?) async throws -> (Value, etag: String?)?
    ) async throws -> Value {
        let kept = state.withLock { state -> Entry? in
            state.clock += 1
            state.entries[key]?.lastUse = state.clock
            return state.entries[key]
        }
        guard let (value, etag) = try await fetch(kept?.etag) else {
            guard let kept else { throw UnaskedNotModified() }
            return kept.value
        }
        if let etag { keep(value, etag: etag, for: key) }
        return value
    }

    private func keep(_ value: Value, etag: String, for key: String) {
        let weight = max(1, weigh(value))
        guard weight <= capacity else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries.removeValue(forKey: key) { state.weight -= old.weight }
            if state.weight + weight > capacity {
                for (oldKey, old) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                    guard state.weight + weight > capacity / 2 else { break }
                    state.entries[oldKey] = nil
                    state.weight -= old.weight
                }
            }
            state.entries[key] = Entry(etag: etag, value: value, weight: weight, lastUse: state.clock)
            state.weight += weight
        }
    }

    /// How many answers are kept now, and their weight.
    public var count: Int { state.withLock { $0.entries.count } }
    public var weight: Int { state.withLock { $0.weight } }
}

/// A provider answered 304 to a read that named no ETag: a broken provider,
/// never something to serve from.
public struct UnaskedNotModified: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "304 Not Modified to a read without If-None-Match" }
}
