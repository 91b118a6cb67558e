import Logging
import NIOCore
import SQLKit
import SQLiteNIO
import Synchronization

/// Retries a SQLite statement refused with `SQLITE_BUSY`.
///
/// SQLite answers busy at once when another process (`shop seed` beside
/// `shop up`, `migrate`) holds the file's write lock. A statement refused that
/// way outside a transaction did nothing, so it is tried again after a pause, for
/// up to `wait`; so are `BEGIN IMMEDIATE` and `COMMIT`, which SQLite documents as
/// safe to retry. Statements inside a transaction are not retried: the
/// transaction runs on the unwrapped `database` (see `ShopDatabase.transaction`),
/// and holds the write lock from `BEGIN IMMEDIATE` on anyway. A statement that
/// already delivered rows is never run again. The pause is a `Task.sleep`, not
/// SQLite's `busy_timeout`: that would block one of the few shared thread-pool
/// threads every SQLite call runs on, and with them every other query of the
/// process.
struct BusyRetryingSQLDatabase: SQLDatabase {
    let database: any SQLDatabase
    let wait: Duration

    var logger: Logger { database.logger }
    var eventLoop: any EventLoop { database.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { database.version }
    var dialect: any SQLDialect { database.dialect }
    var queryLogLevel: Logger.Level? { database.queryLogLevel }

    /// Unretried: the stores use the async variant below.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        database.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(5)
        let delivered = DeliveredRows()
        while true {
            do {
                return try await database.execute(sql: query) { row in
                    delivered.mark()
                    onRow(row)
                }
            } catch let error as SQLiteError
                where error.reason == .busy && !delivered.any && ContinuousClock.now < deadline
            {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }
}

/// Whether a statement has handed out a row yet (rows arrive on another thread).
private final class DeliveredRows: Sendable {
    private let state = Mutex(false)
    var any: Bool { state.withLock { $0 } }
    func mark() { state.withLock { $0 = true } }
}
