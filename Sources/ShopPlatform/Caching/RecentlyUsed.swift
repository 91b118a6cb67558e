/// The store behind the shop's bounded caches: values by key, at most
/// `capacity` weight of them (entries, products, bytes: the caller's unit).
///
/// When a new value does not fit, what the caller calls stale goes first;
/// if that frees less than a tenth of the room, the least recently used go
/// until half of it is free. So the values in use stay however many one-off
/// keys pass through (anyone can make up searches, cursors or tokens), and a
/// full store is not scanned again on every insert.
///
/// A value type with no lock of its own: keep it inside the cache's `Mutex`.
public struct RecentlyUsed<Key: Hashable, Value> {
    private struct Slot {
        var value: Value
        let weight: Int
        var lastUse: UInt64
    }

    private var slots: [Key: Slot] = [:]
    private var clock: UInt64 = 0
    /// The weight kept now; never above `capacity`.
    public private(set) var weight = 0
    public let capacity: Int

    /// A capacity of 0 keeps nothing: remembering is off.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    public var count: Int { slots.count }

    /// The value for `key`, which counts as a use.
    public mutating func use(_ key: Key) -> Value? {
        // One hash: this is every cache hit.
        guard let index = slots.index(forKey: key) else { return nil }
        clock += 1
        slots.values[index].lastUse = clock
        return slots.values[index].value
    }

    /// The value for `key`, without counting as a use.
    public subscript(key: Key) -> Value? { slots[key]?.value }

    /// Changes the value kept for `key` in place (its weight stays), if any.
    public mutating func update(_ key: Key, _ change: (inout Value) -> Void) {
        guard let index = slots.index(forKey: key) else { return }
        change(&slots.values[index].value)
    }

    /// Keeps `value` for `key` as the most recently used, making room first
    /// (`isStale` says which kept values may go before any other). A value
    /// heavier than the whole capacity is not kept; returns whether it was.
    @discardableResult
    public mutating func insert(
        _ value: Value, for key: Key, weight: Int = 1, isStale: (Value) -> Bool = { _ in false }
    ) -> Bool {
        let weight = max(1, weight)
        guard weight <= capacity else { return false }
        remove(key)
        if self.weight + weight > capacity { makeRoom(for: weight, isStale: isStale) }
        clock += 1
        slots[key] = Slot(value: value, weight: weight, lastUse: clock)
        self.weight += weight
        return true
    }

    /// Forgets `key`; returns what was kept for it.
    @discardableResult
    public mutating func remove(_ key: Key) -> Value? {
        guard let slot = slots.removeValue(forKey: key) else { return nil }
        weight -= slot.weight
        return slot.value
    }

    public mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        weight = 0
    }

    private mutating func makeRoom(for incoming: Int, isStale: (Value) -> Bool) {
        for (key, slot) in slots where isStale(slot.value) { remove(key) }
        guard weight + incoming > capacity - capacity / 10 else { return }
        for (key, _) in slots.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            guard weight + incoming > capacity / 2 else { break }
            remove(key)
        }
    }
}
