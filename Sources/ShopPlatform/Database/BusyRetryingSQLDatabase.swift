import Logging
import NIOCore
import SQLKit
import SQLiteNIO

/// Retries a SQLite statement refused with `SQLITE_BUSY`.
///
/// SQLite answers busy at once when another process (`shop seed` beside
/// `shop up`, `migrate`) holds the file's write lock. A statement refused that
/// way did nothing, so it is tried again after a pause, for up to `wait`. The
/// pause is a `Task.sleep`, not SQLite's `busy_timeout`: that would block one of
/// the few shared thread-pool threads every SQLite call runs on, and with them
/// every other query of the process.
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
        while true {
            do {
                return try await database.execute(sql: query, onRow)
            } catch let error as SQLiteError where error.reason == .busy && ContinuousClock.now < deadline {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }
}
