import Foundation
import Logging
import SQLKit
import ShopTestSupport
import Testing

@testable import ShopPlatform

@Suite("Migration runner")
struct MigrationRunnerTests {
    static let migrations = [
        Migration(version: 1, name: "items", both: ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"]),
        Migration(version: 2, name: "seed", both: ["INSERT INTO items (id, name) VALUES (1, 'first')"]),
    ]

    static func withDatabase<T: Sendable>(
        _ backend: TestBackend, _ body: @Sendable (ShopDatabase) async throws -> T
    ) async throws -> T {
        let database = try await ShopDatabase.open(
            url: try await backend.makeDatabaseURL(), poolSize: 4, logger: Logger(label: "test"))
        return try await database.withRunningService { try await body(database) }
    }

    @Test(arguments: TestBackend.available)
    func appliesOnceAndRerunIsANoOp(backend: TestBackend) async throws {
        try await Self.withDatabase(backend) { database in
            let runner = MigrationRunner(
                service: "test-service", database: database, migrations: Self.migrations, logger: Logger(label: "test"))
            #expect(try await runner.migrate() == [1, 2])
            #expect(try await runner.migrate() == [])
            #expect(try await runner.appliedVersions() == [1, 2])
            let count = try await database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 1)

            // A later release adds a migration: only that one runs.
            let extended = MigrationRunner(
                service: "test-service", database: database,
                migrations: Self.migrations + [
                    Migration(version: 3, name: "more", both: ["ALTER TABLE items ADD COLUMN note TEXT"])
                ],
                logger: Logger(label: "test"))
            #expect(try await extended.migrate() == [3])
        }
    }

    @Test(arguments: TestBackend.available)
    func failedMigrationLeavesNoTrace(backend: TestBackend) async throws {
        try await Self.withDatabase(backend) { (database: ShopDatabase) async throws -> Void in
            let broken = MigrationRunner(
                service: "test-service", database: database,
                migrations: Self.migrations + [
                    Migration(version: 3, name: "broken", both: ["CREATE TABLE half (id INTEGER)", "THIS IS NOT SQL"])
                ],
                logger: Logger(label: "test"))
            await #expect(throws: (any Error).self) { try await broken.migrate() }
            #expect(try await broken.appliedVersions() == [1, 2])
            // The half-applied statement was rolled back with its migration.
            let fixed = MigrationRunner(
                service: "test-service", database: database,
                migrations: Self.migrations + [
                    Migration(version: 3, name: "fixed", both: ["CREATE TABLE half (id INTEGER)"])
                ],
                logger: Logger(label: "test"))
            #expect(try await fixed.migrate() == [3])
        }
    }

    /// Two services on one database, with overlapping version numbers, each
    /// apply all of their own migrations; a database migrated before records were
    /// scoped is adopted, not migrated twice.
    @Test(arguments: TestBackend.available)
    func servicesSharingADatabaseKeepSeparateRecords(backend: TestBackend) async throws {
        try await Self.withDatabase(backend) { database in
            let logger = Logger(label: "test")
            let first = MigrationRunner(
                service: "first-service", database: database,
                migrations: [Migration(version: 1, name: "first", both: ["CREATE TABLE first_items (id INTEGER)"])],
                logger: logger)
            let second = MigrationRunner(
                service: "second-service", database: database,
                migrations: [Migration(version: 1, name: "second", both: ["CREATE TABLE second_items (id INTEGER)"])],
                logger: logger)
            #expect(first.advisoryLockKey != second.advisoryLockKey)
            #expect(try await first.migrate() == [1])
            #expect(try await second.migrate() == [1])
            try await database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM second_items").run()
                // An older release recorded this service's version 1 unscoped.
                try await db.raw(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
                ).run()
                try await db.raw("CREATE TABLE third_items (id INTEGER)").run()
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'third', \(bind: Date()))"
                ).run()
            }
            let third = MigrationRunner(
                service: "third-service", database: database,
                migrations: [
                    Migration(version: 1, name: "third", both: ["CREATE TABLE third_items (id INTEGER)"]),
                    Migration(version: 2, name: "third more", both: ["ALTER TABLE third_items ADD COLUMN note TEXT"]),
                ], logger: logger)
            #expect(try await third.migrate() == [2])
        }
    }

    /// Two replicas starting at once: each runner has its own pool, as separate
    /// processes would; the advisory lock makes exactly one of them apply.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func concurrentRunnersOnPostgresApplyOnce() async throws {
        let url = try await TestBackend.postgres.makeDatabaseURL()
        let slow = Self.migrations + [Migration(version: 3, name: "slow", both: ["SELECT pg_sleep(0.5)"])]
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let database = try await ShopDatabase.open(url: url, poolSize: 2, logger: Logger(label: "replica"))
                    return try await database.withRunningService {
                        try await MigrationRunner(
                            service: "test-service", database: database, migrations: slow,
                            logger: Logger(label: "replica")
                        ).migrate()
                    }
                }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(results.filter { !$0.isEmpty } == [[1, 2, 3]])
        #expect(results.filter(\.isEmpty).count == 3)
    }
}

@Suite("Test environment")
struct TestEnvironmentTests {
    /// The test script sets REQUIRE_POSTGRES=1: then a missing or unreachable
    /// PostgreSQL must fail the run instead of silently testing SQLite only.
    @Test func postgresIsReachableWhenRequired() async throws {
        guard ProcessInfo.processInfo.environment["REQUIRE_POSTGRES"] == "1" else { return }
        #expect(TestBackend.available.contains(.postgres))
        // Reachability, not latency: the whole suite may be keeping both cores busy.
        let reachable = try await MigrationRunnerTests.withDatabase(.postgres) {
            await $0.isReachable(timeout: .seconds(30))
        }
        #expect(reachable)
    }
}
