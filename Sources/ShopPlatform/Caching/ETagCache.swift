import Synchronization

/// What a consumer built from a provider's answer (decoded, priced, rendered),
/// kept with the answer's ETag so the next read can ask with `If-None-Match`.
///
/// A read within `freshFor` of the last answer (or 304) for its key is served
/// without asking, like a response within its `max-age`; every later read asks
/// the provider, so nothing served is staler than `freshFor` (with the default,
/// zero, no staler than a direct read), and an unchanged answer (304) is
/// neither decoded nor built again. The memory is bounded by weight (see
/// `RecentlyUsed`), so hot answers stay however many cold ones pass through.
public final class ETagCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let etag: String
        let value: Value
        /// When the provider last gave or confirmed it.
        var checkedAt: ContinuousClock.Instant
    }

    private let entries: Mutex<RecentlyUsed<String, Entry>>
    /// How long an answer is served without asking again.
    public let freshFor: Duration
    private let weigh: @Sendable (Value) -> Int

    /// `weight` says what a value costs against `capacity` (by default 1: a count of entries).
    public init(
        capacity: Int = 512, freshFor: Duration = .zero, weight: @escaping @Sendable (Value) -> Int = { _ in 1 }
    ) {
        self.entries = Mutex(RecentlyUsed(capacity: capacity))
        self.freshFor = freshFor
        self.weigh = weight
    }

    /// The value for `key`: `fetch` is called with the ETag kept for it (nil when
    /// none) and answers nil when the provider says it is unchanged (304), else
    /// the new value with the answer's ETag (an answer without one is not kept).
    public func value(
        for key: String, fetch: (_ ifNoneMatch: String?) async throws -> (Value, etag: String?)?
    ) async throws -> Value {
        let asked = ContinuousClock.now
        let kept = entries.withLock { $0.use(key) }
        if let kept, asked < kept.checkedAt + freshFor { return kept.value }
        guard let (value, etag) = try await fetch(kept?.etag) else {
            guard let kept else { throw UnaskedNotModified() }
            entries.withLock { entries in
                entries.update(key) { entry in
                    if entry.etag == kept.etag { entry.checkedAt = max(entry.checkedAt, asked) }
                }
            }
            return kept.value
        }
        if let etag { keep(value, etag: etag, for: key, checkedAt: asked) }
        return value
    }

    private func keep(_ value: Value, etag: String, for key: String, checkedAt: ContinuousClock.Instant) {
        let weight = weigh(value)
        entries.withLock { entries in
            // A slow answer asked before the kept one was asked is older: the
            // cache never goes back to it.
            if let newer = entries[key], newer.checkedAt > checkedAt { return }
            entries.insert(Entry(etag: etag, value: value, checkedAt: checkedAt), for: key, weight: weight)
        }
    }

    /// Forgets every answer: the next read of each key asks the provider afresh.
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    /// How many answers are kept now, and their weight.
    public var count: Int { entries.withLock { $0.count } }
    public var weight: Int { entries.withLock { $0.weight } }
}

/// A provider answered 304 to a read that named no ETag: a broken provider,
/// never something to serve from.
public struct UnaskedNotModified: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "304 Not Modified to a read without If-None-Match" }
}
