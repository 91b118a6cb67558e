import Metrics

/// How many database connections are held, for
/// `shop_db_pool_connections{state="in_use"|"idle"}` (idle: free slots of the
/// configured pools, summed over a process's databases), and how long each unit
/// of work held one (`shop_db_query_duration_seconds`: a query, or a whole
/// transaction). Meters move by increments inside the exporter, so concurrent
/// units never publish out of order.
enum PoolUsage {
    /// A pool of `capacity` connections opened.
    static func add(capacity: Int) {
        free.increment(by: Double(capacity))
    }

    static func measure<T>(_ work: () async throws -> T) async rethrows -> T {
        held.increment()
        free.decrement()
        let started = ContinuousClock.now
        defer {
            duration.record(duration: .now - started)
            held.decrement()
            free.increment()
        }
        return try await work()
    }

    static let duration = Metrics.Timer(label: "shop_db_query_duration_seconds")
    static let held = Meter(label: "shop_db_pool_connections", dimensions: [("state", "in_use")])
    static let free = Meter(label: "shop_db_pool_connections", dimensions: [("state", "idle")])
}
