import Metrics

/// How many of a database's connections are held, for
/// `shop_db_pool_connections{state="in_use"|"idle"}` (idle: free slots of the
/// configured pool), and how long each unit of work held one
/// (`shop_db_query_duration_seconds`: a query, or a whole transaction).
///
/// Meters move by increments inside the exporter, so concurrent units never
/// publish out of order, and several databases in one process add up.
struct PoolUsage: Sendable {
    init(capacity: Int) {
        Self.free.increment(by: Double(capacity))
    }

    func measure<T>(_ work: () async throws -> T) async rethrows -> T {
        Self.held.increment()
        Self.free.decrement()
        let started = ContinuousClock.now
        defer {
            Self.duration.record(since: started)
            Self.held.decrement()
            Self.free.increment()
        }
        return try await work()
    }

    static let duration = Metrics.Timer(label: "shop_db_query_duration_seconds")
    static let held = Meter(label: "shop_db_pool_connections", dimensions: [("state", "in_use")])
    static let free = Meter(label: "shop_db_pool_connections", dimensions: [("state", "idle")])
}
