import Foundation
import Logging
import SQLKit
import ShopTestSupport
import Testing

@testable import ShopPlatform

@Suite("Stored states")
struct StoredStateTests {
    enum Parcel: String, StoredState {
        case packed, shipped
    }

    static func withParcels(_ backend: TestBackend, _ body: @Sendable (ShopDatabase) async throws -> Void)
        async throws
    {
        let database = try await ShopDatabase.open(
            url: try await backend.makeDatabaseURL(), poolSize: 2, logger: Logger(label: "test"))
        try await database.withRunningService {
            try await database.withConnection { db in
                try await db.raw(
                    """
                    CREATE TABLE parcels (id INTEGER PRIMARY KEY, status TEXT NOT NULL
                        CHECK (status IN ('packed', 'shipped')), since INTEGER NOT NULL)
                    """
                ).run()
                try await db.raw("CREATE INDEX parcels_packed ON parcels (since) WHERE status = 'packed'").run()
            }
            try await body(database)
        }
    }

    @Test(arguments: TestBackend.available)
    func statesAreWrittenAndReadByTheirEnum(backend: TestBackend) async throws {
        try await Self.withParcels(backend) { database in
            let states = try await database.withConnection { db in
                try await db.raw("INSERT INTO parcels VALUES (1, \(Parcel.packed), 10), (2, \(Parcel.shipped), 20)")
                    .run()
                try await db.raw("UPDATE parcels SET status = \(Parcel.shipped) WHERE status = \(Parcel.packed)").run()
                return try await db.raw("SELECT status FROM parcels ORDER BY id").all().map {
                    try $0.decode(state: "status", as: Parcel.self)
                }
            }
            #expect(states == [.shipped, .shipped])
        }
    }

    /// A state is written into the statement as a literal, never bound: its
    /// values are the enum's own, and a bound state made SQLite prepare every
    /// such statement twice (binding expired a plan made against a partial index).
    @Test(arguments: TestBackend.available)
    func aStateIsWrittenIntoTheStatement(backend: TestBackend) async throws {
        try await Self.withParcels(backend) { database in
            let (sql, binds) = try await database.withConnection { db in
                var serializer = SQLSerializer(database: db)
                SQLQueryString("status = \(Parcel.packed) AND since < \(bind: 15)").serialize(to: &serializer)
                return (serializer.sql, serializer.binds.count)
            }
            #expect(sql.hasPrefix("status = 'packed' AND since < "), "\(sql)")
            #expect(binds == 1, "only the value is bound")
        }
    }

    /// A value the enum does not know is an error, never a default state.
    @Test(arguments: TestBackend.available)
    func anUnknownValueIsAnError(backend: TestBackend) async throws {
        try await Self.withParcels(backend) { database in
            let error = await #expect(throws: UnknownStoredState.self) {
                try await database.withConnection { db in
                    try await db.raw("SELECT 'lost' AS status").first()?.decode(state: "status", as: Parcel.self)
                }
            }
            #expect(error?.value == "lost")
            #expect(error?.column == "status")
        }
    }

    /// A state in a query lets the database use a partial index on that state:
    /// the reconciler's and the sweep's queries must not scan every order.
    @Test(arguments: TestBackend.available)
    func aStateInAQueryUsesItsPartialIndex(backend: TestBackend) async throws {
        try await Self.withParcels(backend) { database in
            let plan = try await database.plan(
                of: "SELECT id FROM parcels WHERE status = \(Parcel.packed) AND since < \(bind: 15)")
            #expect(plan.contains { $0.contains("parcels_packed") }, "\(plan)")
        }
    }
}
