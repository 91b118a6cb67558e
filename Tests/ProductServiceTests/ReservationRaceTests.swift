import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ShopPlatform
import ShopTestSupport
import Testing

@testable import ProductService

/// Reserve and release of one checkout attempt are linearizable, and an attempt
/// is bound to its order. The races need PostgreSQL (SQLite serialises writers).
@Suite("Reservation races")
struct ReservationRaceTests {
    static let token = ProductServiceHarness.serviceToken

    /// Retries of one checkout that overlap, at exactly the stock there is: one
    /// reserves, the rest replay it. Before, they waited on the product row, saw
    /// the stock the first had taken and answered 409 (PostgreSQL: 1 created, 7 × 409).
    @Test(arguments: TestBackend.available)
    func overlappingRetriesOfOneCheckoutReplay(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 3, harness: harness)["id"] as? Int)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 { group.addTask { try await client.reserve(99, [(id, 3)]).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .ok }.count == 7, "\(statuses)")
            #expect(try await client.stock(of: "pen", harness: harness) == 0)
        }
    }

    /// A release that arrives before its reserve leaves a released attempt; the
    /// late reserve is refused and takes nothing. Before, the release was a 404 and
    /// the late reserve took the stock for an order already back in the cart.
    @Test(arguments: TestBackend.available)
    func aReleaseBeforeTheReserveStopsIt(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            let released = try await client.call(.delete, "/v1/reservations/c-9", token: Self.token)
            #expect(released.status == .ok)
            #expect(released.json["status"] as? String == "released")
            #expect((released.json["lines"] as? [Any])?.isEmpty == true)
            let late = try await client.reserve(9, [(id, 2)])
            #expect(late.status == .conflict)
            #expect((late.json["type"] as? String)?.hasSuffix("/reservation-released") == true)
            #expect(try await client.stock(of: "pen", harness: harness) == 5)
        }
    }

    /// Reserve and release of the same attempt sent at once, 25 times: whichever
    /// lands first, stock + units still reserved = the stock there was.
    @Test(arguments: TestBackend.available)
    func racingReserveAndReleaseNeverLoseStock(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 100, harness: harness)["id"] as? Int)
            var stillReserved = 0
            for round in 1...25 {
                let checkout = "race-\(round)"
                async let reserve = client.reserve(Int64(round), [(id, 2)], checkout: checkout)
                async let release = client.call(.delete, "/v1/reservations/\(checkout)", token: Self.token)
                let (reserved, releasedNow) = try await (reserve, release)
                #expect([.created, .conflict].contains(reserved.status), "\(reserved.text)")
                #expect(releasedNow.status == .ok)
                let final = try await client.call(.get, "/v1/reservations/\(checkout)", token: Self.token)
                if final.json["status"] as? String == "reserved" { stillReserved += 2 }
                // Whatever happened, the attempt cannot reserve again once released.
                _ = try await client.call(.delete, "/v1/reservations/\(checkout)", token: Self.token)
                #expect(try await client.reserve(Int64(round), [(id, 2)], checkout: checkout).status == .conflict)
            }
            #expect(stillReserved == 0, "every attempt ended released")
            #expect(try await client.stock(of: "pen", harness: harness) == 100)
        }
    }

    /// The same checkout id for another order is refused, never replayed: a
    /// foreign or stale reservation cannot stand in for a real order's.
    @Test(arguments: TestBackend.available)
    func aCheckoutIsBoundToItsOrder(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            #expect(try await client.reserve(5, [(id, 1)], checkout: "shared").status == .created)
            let other = try await client.reserve(6, [(id, 1)], checkout: "shared")
            #expect(other.status == .conflict)
            #expect((other.json["type"] as? String)?.hasSuffix("/reservation-mismatch") == true)
            #expect(try await client.stock(of: "pen", harness: harness) == 4)
        }
    }

    @Test(arguments: TestBackend.available)
    func liveReservationsArePagedOldestFirst(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 9, harness: harness)["id"] as? Int)
            for order in 1...3 { _ = try await client.reserve(Int64(order), [(id, 1)]) }
            _ = try await client.call(.delete, "/v1/reservations/c-2", token: Self.token)
            let all = try await client.call(.get, "/v1/reservations?status=reserved", token: Self.token)
            let items = try #require(all.json["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["checkout_id"] as? String } == ["c-1", "c-3"])
            let first = try await client.call(.get, "/v1/reservations?status=reserved&limit=1", token: Self.token)
            let cursor = try #require(first.json["next_cursor"] as? String)
            let rest = try await client.call(
                .get, "/v1/reservations?status=reserved&limit=1&cursor=\(cursor)", token: Self.token)
            #expect((rest.json["items"] as? [[String: Any]])?.first?["checkout_id"] as? String == "c-3")
            // The last page says so, even when it is full: no cursor to an empty page.
            #expect(rest.json.keys.contains("next_cursor") && rest.json["next_cursor"] is NSNull)
            let both = try await client.call(.get, "/v1/reservations?status=reserved&limit=2", token: Self.token)
            #expect(both.json["next_cursor"] is NSNull)
            #expect(try await client.call(.get, "/v1/reservations", token: Self.token).status == .unprocessableContent)
            #expect(
                try await client.call(.get, "/v1/reservations?status=reserved", token: harness.admin).status
                    == .forbidden)
        }
    }

    @Test(arguments: TestBackend.available)
    func checkoutIDsAreValidated(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            for bad in ["", "a b", "a/b", String(repeating: "x", count: 65), "é"] {
                #expect(
                    try await client.reserve(1, [(id, 1)], checkout: bad).status == .unprocessableContent, "\(bad)")
            }
            let long = String(repeating: "x", count: 65)
            #expect(try await client.call(.get, "/v1/reservations/\(long)", token: Self.token).status == .notFound)
            #expect(try await client.call(.delete, "/v1/reservations/\(long)", token: Self.token).status == .notFound)
            #expect(try await client.stock(of: "pen", harness: harness) == 5)
        }
    }

    /// Reservations made before checkout ids keep their stock and answer as
    /// `order-<id>`, the id order-service's own migration gives those orders.
    @Test(arguments: TestBackend.available)
    func olderReservationsSurviveTheUpgrade(backend: TestBackend) async throws {
        let url = try await backend.makeDatabaseURL()
        let database = try await ShopDatabase.open(url: url, logger: Logger(label: "t"))
        try await database.withRunningService {
            let before = Array(ProductMigrations.all.prefix(2))
            _ = try await MigrationRunner(
                service: "product-service", database: database, migrations: before, logger: Logger(label: "t")
            ).migrate()
            try await database.withConnection { db in
                try await db.raw(
                    """
                    INSERT INTO products (id, slug, name, price_minor, currency, stock, created_at, updated_at)
                    VALUES (1, 'pen', 'Pen', 250, 'USD', 3, \(bind: Date()), \(bind: Date()))
                    """
                ).run()
                try await db.raw(
                    """
                    INSERT INTO reservations (id, order_id, status, currency, total_minor, created_at)
                    VALUES (1, 77, 'reserved', 'USD', 500, \(bind: Date()))
                    """
                ).run()
                try await db.raw(
                    """
                    INSERT INTO reservation_lines (reservation_id, product_id, quantity, unit_price_minor, name)
                    VALUES (1, 1, 2, 250, 'Pen')
                    """
                ).run()
            }
            _ = try await MigrationRunner(
                service: "product-service", database: database, migrations: ProductMigrations.all,
                logger: Logger(label: "t")
            ).migrate()
            let store = ReservationStore(database: database)
            let old = try #require(try await store.find(checkoutID: "order-77"))
            #expect(old.orderID == 77 && old.status == .reserved && old.lines.map(\.quantity) == [2])
            _ = try await store.release(checkoutID: "order-77")
            let stock = try await database.withConnection { db in
                try await db.raw("SELECT stock FROM products WHERE id = 1").first()?.decode(
                    column: "stock", as: Int.self)
            }
            #expect(stock == 5)
        }
    }

    /// Reserves and releases of different checkouts over the same products, all
    /// at once: both lock the products in id order, so PostgreSQL never finds
    /// them deadlocked (an error, answered 5xx), and every unit is counted once.
    /// (A release used to lock them in whatever order its plan met them; on
    /// these small tables that was id order too, so this did not fail before.)
    @Test(arguments: TestBackend.available)
    func reservesAndReleasesOverTheSameProductsDoNotDeadlock(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            var created: [Int] = []
            for index in 0..<4 {
                created.append(
                    try #require(
                        try await client.createProduct("part-\(index)", stock: 10_000, harness: harness)["id"] as? Int))
            }
            let ids = created
            for round in 0..<30 {
                #expect(try await client.reserve(Int64(round + 1), ids.map { ($0, 1) }).status == .created)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for round in 0..<30 {
                    group.addTask {
                        try await client.call(.delete, "/v1/reservations/c-\(round + 1)", token: Self.token).status
                    }
                    group.addTask { try await client.reserve(Int64(round + 101), ids.map { ($0, 1) }).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .created }, "\(statuses.filter { $0.code >= 300 })")
            for index in 0..<4 { #expect(try await client.stock(of: "part-\(index)", harness: harness) == 10_000 - 30) }
        }
    }
}
