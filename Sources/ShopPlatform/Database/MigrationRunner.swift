import Foundation
import Logging
import SQLKit

/// Applies pending migrations, once, even when several replicas start together.
///
/// On PostgreSQL the run holds a session advisory lock (keyed by the migration
/// table name) on one connection, so a second replica waits, then finds nothing
/// to do. On SQLite the single gated connection already serialises runs.
public struct MigrationRunner: Sendable {
    public let database: ShopDatabase
    public let migrations: [Migration]
    public let logger: Logger

    /// Arbitrary constant: "microshop" in ASCII, as the advisory lock key.
    static let advisoryLockKey: Int64 = 0x6D_6963_726F_7368

    public init(database: ShopDatabase, migrations: [Migration], logger: Logger) {
        precondition(
            Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is missing and returns the versions it applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let kind = database.kind
        let migrations = self.migrations
        let logger = self.logger
        return try await database.withConnection { db in
            if kind == .postgres {
                try await db.raw("SELECT pg_advisory_lock(\(bind: Self.advisoryLockKey))").run()
            }
            do {
                let applied = try await Self.applyPending(migrations, kind: kind, db: db, logger: logger)
                if kind == .postgres {
                    try await db.raw("SELECT pg_advisory_unlock(\(bind: Self.advisoryLockKey))").run()
                }
                return applied
            } catch {
                if kind == .postgres {
                    try? await db.raw("SELECT pg_advisory_unlock(\(bind: Self.advisoryLockKey))").run()
                }
                throw error
            }
        }
    }

    /// The versions recorded as applied.
    public func appliedVersions() async throws -> [Int] {
        try await database.withConnection { db in
            try await Self.ensureTable(db)
            return try await Self.recordedVersions(db)
        }
    }

    private static func applyPending(
        _ migrations: [Migration], kind: ShopDatabase.Kind, db: any SQLDatabase, logger: Logger
    ) async throws -> [Int] {
        try await ensureTable(db)
        let done = Set(try await recordedVersions(db))
        var applied: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            try await ShopDatabase.transaction(on: db, kind: kind) { db in
                for statement in migration.statements(for: kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date()))
                    """
                ).run()
            }
            logger.info(
                "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }

    private static func ensureTable(_ db: any SQLDatabase) async throws {
        try await db.raw(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMP NOT NULL
            )
            """
        ).run()
    }

    private static func recordedVersions(_ db: any SQLDatabase) async throws -> [Int] {
        try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all()
            .map { try $0.decode(column: "version", as: Int.self) }
    }
}
