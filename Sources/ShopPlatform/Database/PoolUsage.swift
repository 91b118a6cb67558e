import Metrics
import Synchronization

/// How many of a database's connections are held, for
/// `shop_db_pool_connections{state="in_use"|"idle"}` (idle: free slots of the
/// configured pool), and how long each unit of work held one
/// (`shop_db_query_duration_seconds`: a query, or a whole transaction).
final class PoolUsage: Sendable {
    private let inUse = Atomic(0)
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func measure<T>(_ work: () async throws -> T) async rethrows -> T {
        publish(inUse.wrappingAdd(1, ordering: .relaxed).newValue)
        let started = ContinuousClock.now
        defer {
            Self.duration.record(since: started)
            publish(inUse.wrappingSubtract(1, ordering: .relaxed).newValue)
        }
        return try await work()
    }

    private func publish(_ held: Int) {
        Self.held.record(held)
        Self.free.record(max(0, capacity - held))
    }

    static let duration = Metrics.Timer(label: "shop_db_query_duration_seconds")
    static let held = Gauge(label: "shop_db_pool_connections", dimensions: [("state", "in_use")])
    static let free = Gauge(label: "shop_db_pool_connections", dimensions: [("state", "idle")])
}
