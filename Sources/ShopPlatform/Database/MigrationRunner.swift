import Foundation
import Logging
import SQLKit

/// Applies pending migrations, once, even when several replicas start together.
///
/// Everything is scoped by service: each service records its versions in its
/// own table (`schema_migrations_user_service`, ...) and, on PostgreSQL, holds
/// its own session advisory lock while it runs, so two services pointed at one
/// database neither skip each other's migrations nor wait on each other. A
/// second replica of the same service waits (at most `lockWait`), then finds
/// nothing to do. Each migration runs in a transaction with lock and statement
/// timeouts, so a migration stuck behind a long query fails instead of hanging
/// the rollout. On SQLite the single gated connection already serialises runs.
public struct MigrationRunner: Sendable {
    public let service: String
    public let database: ShopDatabase
    public let migrations: [Migration]
    public let logger: Logger

    static let lockWait = "60s"
    static let statementLockTimeout = "10s"
    static let statementTimeout = "5min"

    public init(service: String, database: ShopDatabase, migrations: [Migration], logger: Logger) {
        precondition(
            Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        precondition(
            !service.isEmpty && service.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "-" },
            "a service name is lower-case letters and hyphens")
        self.service = service
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// The service's own record of applied versions.
    public var table: String { "schema_migrations_" + service.replacingOccurrences(of: "-", with: "_") }

    /// The service's advisory lock key: FNV-1a of its name, stable across releases.
    var advisoryLockKey: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "microshop-migrations:\(service)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Applies what is missing and returns the versions it applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let kind = database.kind
        let key = advisoryLockKey
        return try await database.withConnection { db in
            do {
                if kind == .postgres {
                    try await db.raw("SET lock_timeout = '\(unsafeRaw: Self.lockWait)'").run()
                    try await db.raw("SELECT pg_advisory_lock(\(bind: key))").run()
                }
                let applied = try await applyPending(kind: kind, db: db)
                if kind == .postgres {
                    try await db.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    try await db.raw("RESET lock_timeout").run()
                }
                return applied
            } catch {
                if kind == .postgres {
                    try? await db.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    try? await db.raw("RESET lock_timeout").run()
                }
                throw error
            }
        }
    }

    /// The versions recorded as applied. Reads only: the table is made by `migrate`.
    public func appliedVersions() async throws -> [Int] {
        try await database.withConnection { db in
            try await tableExists(table, db) ? try await recordedVersions(db) : []
        }
    }

    private func applyPending(kind: ShopDatabase.Kind, db: any SQLDatabase) async throws -> [Int] {
        try await ensureTable(db)
        let done = Set(try await recordedVersions(db))
        var applied: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            let ran = try await ShopDatabase.transaction(on: db, kind: kind) { db in
                // SQLite has no advisory lock: another process (`shop seed` beside
                // `shop up`) may have applied it since; the write lock is ours now.
                guard try await !recordedVersions(db).contains(migration.version) else { return false }
                if kind == .postgres {
                    try await db.raw("SET LOCAL lock_timeout = '\(unsafeRaw: Self.statementLockTimeout)'").run()
                    try await db.raw("SET LOCAL statement_timeout = '\(unsafeRaw: Self.statementTimeout)'").run()
                }
                for statement in migration.statements(for: kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw(
                    """
                    INSERT INTO \(unsafeRaw: table) (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date()))
                    """
                ).run()
                return true
            }
            guard ran else { continue }
            logger.info(
                "applied migration",
                metadata: ["service": "\(service)", "version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }

    /// Creates the service's table and, in the same transaction, adopts its
    /// unscoped records: a crash in between cannot leave an empty table that
    /// would make every migration run again.
    private func ensureTable(_ db: any SQLDatabase) async throws {
        guard try await !tableExists(table, db) else { return }
        try await ShopDatabase.transaction(on: db, kind: database.kind) { db in
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS \(unsafeRaw: table) (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMP NOT NULL
                )
                """
            ).run()
            try await adoptUnscopedRecords(db)
        }
    }

    /// Databases migrated before records were scoped by service kept them in one
    /// `schema_migrations` table. This service's rows there (same version and
    /// name) are taken over, so nothing is applied twice.
    private func adoptUnscopedRecords(_ db: any SQLDatabase) async throws {
        guard try await tableExists("schema_migrations", db) else { return }
        let rows = try await db.raw("SELECT version, name FROM schema_migrations").all()
        let names = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        for row in rows {
            let version = try row.decode(column: "version", as: Int.self)
            let name = try row.decode(column: "name", as: String.self)
            guard names[version] == name else { continue }
            try await db.raw(
                """
                INSERT INTO \(unsafeRaw: table) (version, name, applied_at)
                VALUES (\(bind: version), \(bind: name), \(bind: Date()))
                ON CONFLICT (version) DO NOTHING
                """
            ).run()
        }
    }

    private func tableExists(_ name: String, _ db: any SQLDatabase) async throws -> Bool {
        switch database.kind {
        case .postgres:
            return try await db.raw("SELECT to_regclass(\(bind: name))::text AS found").first()?
                .decode(column: "found", as: String?.self) != nil
        case .sqlite:
            return try await db.raw(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: name)"
            ).first() != nil
        }
    }

    private func recordedVersions(_ db: any SQLDatabase) async throws -> [Int] {
        try await db.raw("SELECT version FROM \(unsafeRaw: table) ORDER BY version").all()
            .map { try $0.decode(column: "version", as: Int.self) }
    }
}
