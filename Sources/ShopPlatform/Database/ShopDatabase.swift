import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import ServiceLifecycle
import Tracing

/// The one database handle a service owns, over PostgreSQL or SQLite.
///
/// Stores talk SQLKit through `withConnection` / `transaction`, so one store
/// implementation runs on both. Add `service` to the application's services: it
/// runs the PostgreSQL pool and closes connections on shutdown.
public struct ShopDatabase: Sendable {
    public enum Kind: String, Sendable { case postgres, sqlite }

    public let kind: Kind
    public let service: any Service
    private let backend: Backend
    private let probe = ReachabilityProbe()

    private enum Backend: Sendable {
        case postgres(PostgresClient)
        case sqlite(SQLiteConnection, AsyncGate)
    }

    /// Opens (SQLite) or prepares (PostgreSQL; connects lazily once `service` runs).
    public static func open(url: String, poolSize: Int = 10, logger: Logger) async throws -> ShopDatabase {
        switch try DatabaseURL(url) {
        case .postgres(let location):
            let client = PostgresClient(
                configuration: try location.clientConfiguration(poolSize: poolSize), backgroundLogger: logger)
            PoolUsage.add(capacity: poolSize)
            return ShopDatabase(kind: .postgres, service: client, backend: .postgres(client))
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try await openSQLite(storage: .file(path: path), logger: logger)
        case .sqliteMemory:
            return try await openSQLite(storage: .memory, logger: logger)
        }
    }

    /// How long a transaction waits for another process's SQLite write lock.
    static let sqliteBusyWait: Duration = .seconds(5)

    private static func openSQLite(storage: SQLiteConnection.Storage, logger: Logger) async throws -> ShopDatabase {
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        PoolUsage.add(capacity: 1)
        let sql = connection.sql(queryLogLevel: .trace)
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        return ShopDatabase(
            kind: .sqlite, service: SQLiteCloser(connection: connection),
            backend: .sqlite(connection, AsyncGate()))
    }

    /// Runs `body` with one connection; nothing else uses that connection meanwhile.
    public func withConnection<T: Sendable>(
        _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        switch backend {
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await PoolUsage.measure { try await body(connection.sql(queryLogLevel: .trace)) }
            }
        case .sqlite(let connection, let gate):
            return try await gate.withGate {
                try await PoolUsage.measure {
                    try await body(
                        BusyRetryingSQLDatabase(
                            database: connection.sql(queryLogLevel: .trace), wait: Self.sqliteBusyWait))
                }
            }
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// On SQLite the transaction takes the write lock up front (`BEGIN IMMEDIATE`).
    /// Each transaction is a span (`name`, e.g. "reserve stock") in the current trace.
    public func transaction<T: Sendable>(
        _ name: String = "db.transaction", _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let kind = self.kind
        return try await withSpan(name, ofKind: .client) { span in
            span.attributes["db.system"] = kind == .postgres ? "postgresql" : "sqlite"
            return try await withConnection { db in try await Self.transaction(on: db, kind: kind, body) }
        }
    }

    /// A transaction on a connection the caller already holds (the migration
    /// runner keeps one connection for its advisory lock).
    static func transaction<T: Sendable>(
        on db: any SQLDatabase, kind: Kind, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await db.raw(kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
        do {
            // Inside the transaction nothing is retried on SQLITE_BUSY: only
            // `BEGIN IMMEDIATE` and `COMMIT` are safe to repeat.
            let result = try await body((db as? BusyRetryingSQLDatabase)?.database ?? db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            // A connection that is gone has no transaction left to roll back, and
            // a query on it is never answered (found by crashing PostgreSQL under
            // load: the request hung for good, and with it the service's drain).
            if !Self.isConnectionLost(error) { try? await db.raw("ROLLBACK").run() }
            throw error
        }
    }

    /// The connection is closed, or the server ended the session (a FATAL error,
    /// such as a shutdown terminating it).
    static func isConnectionLost(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        if [.serverClosedConnection, .clientClosedConnection, .connectionError].contains(error.code) { return true }
        let severity = error.serverInfo?[.severity]
        return severity == "FATAL" || severity == "PANIC"
    }

    /// Appended to a `SELECT` inside `transaction` to lock the rows it reads:
    /// `FOR UPDATE` on PostgreSQL; nothing on SQLite, whose `BEGIN IMMEDIATE`
    /// already makes the transaction the only writer.
    public var rowLock: SQLQueryString { SQLQueryString(kind == .postgres ? " FOR UPDATE" : "") }

    /// Like `rowLock`, but weaker on PostgreSQL (`FOR NO KEY UPDATE`): writers of
    /// the rows still wait for each other, but inserts of rows that reference
    /// them (a foreign key takes `FOR KEY SHARE`) do not. A transaction that
    /// goes on to update such referencing rows therefore cannot deadlock with
    /// one that inserts them.
    public var rowLockKeepingKeys: SQLQueryString {
        SQLQueryString(kind == .postgres ? " FOR NO KEY UPDATE" : "")
    }

    /// Like `rowLock`, but rows another transaction holds are skipped, not waited for.
    public var rowLockSkippingLocked: SQLQueryString {
        SQLQueryString(kind == .postgres ? " FOR UPDATE SKIP LOCKED" : "")
    }

    /// True when a trivial query answers within `timeout`: what `/health/ready`
    /// reports. Never waits longer than `timeout`, even while the server is gone.
    public func isReachable(timeout: Duration = .seconds(2)) async -> Bool {
        await probe.isReachable(timeout: timeout) {
            (try? await self.withConnection { try await $0.raw("SELECT 1").run() }) != nil
        }
    }
}

/// Keeps the SQLite connection open for the service's life and closes it on
/// shutdown, also when the service group is cancelled instead of shut down.
private struct SQLiteCloser: Service {
    let connection: SQLiteConnection

    func run() async throws {
        try? await gracefulShutdown()
        // An unstructured task does not inherit cancellation: the close completes.
        try await Task { try await connection.close() }.value
    }
}

extension ShopDatabase {
    /// Runs `body` with the database usable outside an application (one-shot
    /// commands such as `migrate`, and tests), then closes it.
    public func withRunningService<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let connection, _):
            do {
                let result = try await body()
                try await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        case .postgres(let client):
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                return try await body()
            }
        }
    }
}
