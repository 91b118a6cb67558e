import Synchronization

/// What a consumer built from a provider's answer (decoded, priced, rendered),
/// kept with the answer's ETag so the next read can ask with `If-None-Match`.
///
/// Every read still goes to the provider, so nothing served is staler than a
/// direct read; an unchanged answer (304) is just neither decoded nor built
/// again. Keys come from request input (search terms, slugs), so the memory is
/// bounded: when full it drops half its entries.
public final class ETagCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let etag: String
        let value: Value
    }

    private let entries = Mutex<[String: Entry]>([:])
    public let capacity: Int

    public init(capacity: Int = 512) {
        precondition(capacity > 0, "an ETag cache needs room for one entry")
        self.capacity = capacity
    }

    /// The value for `key`: `fetch` is called with the ETag kept for it (nil when
    /// none) and answers nil when the provider says it is unchanged (304), else
    /// the new value with the answer's ETag (an answer without one is not kept).
    public func value(
        for key: String, fetch: (_ ifNoneMatch: String?) async throws -> (Value, etag: String?)?
    ) async throws -> Value {
        let kept = entries.withLock { $0[key] }
        guard let (value, etag) = try await fetch(kept?.etag) else {
            guard let kept else { throw UnaskedNotModified() }
            return kept.value
        }
        guard let etag else { return value }
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity {
                let dropped = Array(entries.keys.prefix(max(1, capacity / 2)))
                for key in dropped { entries[key] = nil }
            }
            entries[key] = Entry(etag: etag, value: value)
        }
        return value
    }

    /// How many answers are kept now.
    public var count: Int { entries.withLock { $0.count } }

}

/// A provider answered 304 to a read that named no ETag: a broken provider,
/// never something to serve from.
public struct UnaskedNotModified: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "304 Not Modified to a read without If-None-Match" }
}
