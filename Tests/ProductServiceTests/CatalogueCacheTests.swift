import Foundation
import Synchronization
import Testing

@testable import ProductService

/// Concurrent misses share one load, and a write is never hidden behind a load
/// that started before it.
@Suite("Catalogue cache")
struct CatalogueCacheTests {
    final class Loads: Sendable {
        let count = Atomic<Int>(0)
        func load(_ body: String, delay: Duration = .milliseconds(50)) async throws -> Data {
            count.add(1, ordering: .relaxed)
            try await Task.sleep(for: delay)
            return Data(body.utf8)
        }
    }

    struct Failure: Error {}

    @Test func concurrentMissesShareOneLoad() async throws {
        let cache = CatalogueCache(ttl: .seconds(60))
        let loads = Loads()
        let etags = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.entry(for: "page") { try await loads.load("a") }.etag } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(loads.count.load(ordering: .relaxed) == 1)
        #expect(etags.count == 1)
        _ = try await cache.entry(for: "page") { try await loads.load("a") }
        #expect(loads.count.load(ordering: .relaxed) == 1, "a hit within the ttl")
    }

    @Test func aLoadFromBeforeAWriteIsNotKept() async throws {
        let cache = CatalogueCache(ttl: .seconds(60))
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let (proceed, proceedSignal) = AsyncStream<Void>.makeStream()
        async let old = cache.entry(for: "page") {
            startedSignal.yield()
            for await _ in proceed { break }
            return Data("before".utf8)
        }
        for await _ in started { break }  // the old load is in flight
        cache.invalidate()
        let fresh = try await cache.entry(for: "page") { Data("after".utf8) }
        #expect(String(buffer: fresh.body) == "after")
        proceedSignal.yield()
        #expect(String(buffer: try await old.body) == "before", "its own callers still get it")
        let later = try await cache.entry(for: "page") { Data("never".utf8) }
        #expect(String(buffer: later.body) == "after", "the write's load is kept, the older one is not")
    }

    @Test func aFailedLoadIsNotRemembered() async throws {
        let cache = CatalogueCache(ttl: .seconds(60))
        await #expect(throws: Failure.self) {
            try await cache.entry(for: "page") { throw Failure() }
        }
        let entry = try await cache.entry(for: "page") { Data("ok".utf8) }
        #expect(String(buffer: entry.body) == "ok")
    }

    /// A stream of distinct keys (searches, cursors, unknown ids: anyone can
    /// make them up) must not flush the popular pages with them.
    @Test func distinctKeysDoNotFlushThePopularOnes() async throws {
        // A ttl no loaded run outlasts: only eviction may load the home page again.
        let cache = CatalogueCache(ttl: .seconds(3600), maxEntries: 8)
        let hot = Loads()
        _ = try await cache.entry(for: "home") { try await hot.load("home", delay: .zero) }
        for index in 0..<100 {
            _ = try await cache.entry(for: "search \(index)") { Data("found \(index)".utf8) }
            _ = try await cache.entry(for: "home") { try await hot.load("home", delay: .zero) }
        }
        #expect(hot.count.load(ordering: .relaxed) == 1, "the home page was loaded again")
        #expect(cache.count <= 8)
    }
}
