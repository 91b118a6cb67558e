import ShopPlatform
import Synchronization
import Testing

@Suite("ETag cache")
struct ETagCacheTests {
    /// What the provider says, in the order asked: the ETag it was asked with,
    /// and nil for a 304.
    final class Provider: Sendable {
        let asked = Mutex<[String?]>([])
        let answers: Mutex<[(String, etag: String?)?]>
        init(_ answers: [(String, etag: String?)?]) { self.answers = Mutex(answers) }

        func answer(_ ifNoneMatch: String?) -> (String, etag: String?)? {
            asked.withLock { $0.append(ifNoneMatch) }
            return answers.withLock { $0.removeFirst() }
        }
    }

    @Test func asksWithTheKeptETagAndServesTheKeptValueOnA304() async throws {
        let cache = ETagCache<String>()
        let provider = Provider([("first", "\"a\""), nil, ("second", "\"b\""), nil])
        for expected in ["first", "first", "second", "second"] {
            #expect(try await cache.value(for: "k") { provider.answer($0) } == expected)
        }
        #expect(provider.asked.withLock { $0 } == [nil, "\"a\"", "\"a\"", "\"b\""])
    }

    @Test func anAnswerWithoutAnETagIsNotKept() async throws {
        let cache = ETagCache<String>()
        let provider = Provider([("plain", nil), ("plain again", nil)])
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "plain")
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "plain again")
        #expect(provider.asked.withLock { $0 } == [nil, nil])
        #expect(cache.count == 0)
    }

    /// A 304 to a read that named no ETag has nothing to serve: an error, not an empty page.
    @Test func a304WithNothingKeptIsAnError() async throws {
        let cache = ETagCache<String>()
        await #expect(throws: UnaskedNotModified.self) { try await cache.value(for: "k") { _ in nil } }
    }

    @Test func keysAreKeptApart() async throws {
        let cache = ETagCache<String>()
        _ = try await cache.value(for: "a") { _ in ("for a", "\"1\"") }
        _ = try await cache.value(for: "b") { _ in ("for b", "\"1\"") }
        #expect(try await cache.value(for: "a") { _ in nil } == "for a")
        #expect(try await cache.value(for: "b") { _ in nil } == "for b")
    }

    @Test func staysBoundedAndKeepsWhatItWasJustGiven() async throws {
        let cache = ETagCache<Int>(capacity: 8)
        for index in 0..<100 {
            #expect(try await cache.value(for: "key \(index)") { _ in (index, "\"\(index)\"") } == index)
            #expect(cache.count <= 8)
            #expect(try await cache.value(for: "key \(index)") { _ in nil } == index)
        }
    }

    /// Cold answers passing through (a crawler's pages) do not push out the hot one.
    @Test func theAnswerInUseStays() async throws {
        let cache = ETagCache<Int>(capacity: 8)
        _ = try await cache.value(for: "home") { _ in (0, "\"home\"") }
        for index in 1..<100 {
            _ = try await cache.value(for: "cold \(index)") { _ in (index, "\"\(index)\"") }
            #expect(try await cache.value(for: "home") { _ in nil } == 0)
        }
    }

    /// The bound is the caller's weight (bytes, products), not a count of entries;
    /// a value heavier than the whole cache is served but not kept.
    @Test func weighsWhatItKeeps() async throws {
        let cache = ETagCache<String>(capacity: 100, weight: { $0.utf8.count })
        for index in 0..<50 {
            _ = try await cache.value(for: "k\(index)") { _ in (String(repeating: "x", count: 30), "\"\(index)\"") }
            #expect(cache.weight <= 100)
        }
        let huge = String(repeating: "y", count: 101)
        #expect(try await cache.value(for: "huge") { _ in (huge, "\"h\"") } == huge)
        await #expect(throws: UnaskedNotModified.self) { try await cache.value(for: "huge") { _ in nil } }
    }

    /// Within `freshFor` of the last answer (or 304) nothing is asked; after it,
    /// the provider is asked again with the kept ETag.
    @Test func aFreshAnswerIsServedWithoutAsking() async throws {
        let cache = ETagCache<String>(freshFor: .seconds(2))
        let provider = Provider([("first", "\"a\""), nil, ("second", "\"b\"")])
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "first")
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "first")
        #expect(provider.asked.withLock { $0 } == [nil])
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "first", "a 304")
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "first", "fresh again after the 304")
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await cache.value(for: "k") { provider.answer($0) } == "second")
        #expect(provider.asked.withLock { $0 } == [nil, "\"a\"", "\"a\""])
    }

    /// A slow answer asked before a newer one must not replace it: the cache
    /// never goes back to what the provider said earlier.
    @Test func aSlowerOlderAnswerDoesNotReplaceANewerOne() async throws {
        let cache = ETagCache<String>(freshFor: .seconds(3600))
        let (released, release) = AsyncStream<Void>.makeStream()
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let slow = Task {
            try await cache.value(for: "k") { _ in
                startedSignal.yield()
                for await _ in released { break }
                return ("old", "\"1\"")
            }
        }
        for await _ in started { break }
        // Asked after the slow read began, answered first.
        #expect(try await cache.value(for: "k") { _ in ("new", "\"2\"") } == "new")
        release.yield()
        #expect(try await slow.value == "old", "the slow read still gets its own answer")
        #expect(
            try await cache.value(for: "k") { _ in
                Issue.record("asked within freshFor"); return nil
            } == "new")
    }
}
