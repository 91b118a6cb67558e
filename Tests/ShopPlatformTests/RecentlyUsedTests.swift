import ShopPlatform
import Testing

@Suite("Bounded caches' store")
struct RecentlyUsedTests {
    /// The value in use stays; the ones not used since go first, down to half
    /// the room, so the next inserts do not each evict again.
    @Test func theLeastRecentlyUsedGoFirstDownToHalf() {
        var store = RecentlyUsed<String, Int>(capacity: 4)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { store.insert(index, for: key) }
        #expect(store.use("a") == 0)
        store.insert(4, for: "e")
        #expect(store["a"] == 0)
        #expect(store["e"] == 4)
        #expect(store["b"] == nil && store["c"] == nil && store["d"] == nil)
        #expect(store.count == 2 && store.weight == 2)
    }

    /// Reading without `use` does not keep a value.
    @Test func aPeekIsNotAUse() {
        var store = RecentlyUsed<String, Int>(capacity: 2)
        store.insert(0, for: "a")
        store.insert(1, for: "b")
        _ = store["a"]
        store.insert(2, for: "c")
        #expect(store["a"] == nil)
        #expect(store["c"] == 2)
    }

    /// Stale values go before any fresh one; when that frees enough room,
    /// nothing else goes.
    @Test func staleValuesGoFirst() {
        var store = RecentlyUsed<Int, Int>(capacity: 10)
        for key in 0..<10 { store.insert(key, for: key) }
        store.insert(10, for: 10, isStale: { $0 < 2 })
        #expect(store.count == 9)
        #expect(store[0] == nil && store[1] == nil)
        #expect((2...10).allSatisfy { store[$0] == $0 })
    }

    /// When the stale ones free too little, the least recently used go down to
    /// half: a store kept nearly full is not scanned on every insert.
    @Test func tooFewStaleValuesHalveTheStore() {
        var store = RecentlyUsed<Int, Int>(capacity: 10)
        for key in 0..<10 { store.insert(key, for: key) }
        store.insert(10, for: 10, isStale: { $0 == 0 })
        #expect(store.weight <= 5)
        #expect(store[10] == 10)
        #expect(store[9] == 9, "the most recently used stay")
    }

    /// The bound is by weight; a value heavier than the whole store is not
    /// kept and leaves what was kept for its key alone.
    @Test func theBoundIsTheWeight() {
        var store = RecentlyUsed<String, String>(capacity: 100)
        for index in 0..<20 {
            store.insert(String(repeating: "x", count: 30), for: "k\(index)", weight: 30)
            #expect(store.weight <= 100)
        }
        store.insert("small", for: "k19", weight: 5)
        #expect(store.insert("huge", for: "k19", weight: 101) == false)
        #expect(store["k19"] == "small")
        #expect(store.weight <= 100)
    }

    /// An update changes the value only: not its weight, not its place.
    @Test func anUpdateKeepsWeightAndPlace() {
        var store = RecentlyUsed<String, Int>(capacity: 2)
        store.insert(1, for: "a", weight: 1)
        store.insert(2, for: "b", weight: 1)
        store.update("a") { $0 = 10 }
        store.update("missing") { $0 = 99 }
        #expect(store["a"] == 10 && store["missing"] == nil && store.weight == 2)
        _ = store.use("b")
        store.insert(3, for: "c")
        #expect(store["a"] == nil, "an update is not a use")
        #expect(store.remove("c") == 3 && store.weight == 0)
        store.removeAll()
        #expect(store.count == 0 && store.weight == 0)
    }
}
