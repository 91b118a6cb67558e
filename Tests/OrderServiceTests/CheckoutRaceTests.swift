import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

/// Races between carts, checkouts, cancellations and the reconciler.
@Suite("Checkout races")
struct CheckoutRaceTests {
    /// Adds racing a checkout that is then refused. Before, an add that waited on
    /// the cart's lock found it pending and inserted a second cart; returning the
    /// refused checkout to the cart then broke the one-cart index (a 500) and left
    /// the order pending for good. Now the add sees the pending checkout (409).
    @Test(arguments: TestBackend.available)
    func addsRacingACheckoutNeverMakeASecondCart(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let pen = try await harness.createProduct("pen", stock: 1000)
            let token = try await harness.token(user: 7)
            try await client.addToCart(pen, 1, token: token)
            try await harness.withDatabase { database in
                let orders = OrderStore(database: database)
                let checkouts = CheckoutStore(database: database)
                for round in 1...30 {
                    let started = try await withThrowingTaskGroup(of: Int64?.self) { group in
                        group.addTask {
                            guard case .started(let order) = try await checkouts.begin(userID: 7, key: "k\(round)")
                            else { return nil }
                            return order.id
                        }
                        for _ in 0..<4 {
                            group.addTask {
                                do {
                                    _ = try await orders.add(
                                        userID: 7, productID: Int64(pen), quantity: 1, maxQuantity: 99)
                                } catch let problem as ProblemError where problem.status == .conflict {
                                    // The checkout was pending: refused, as it should be.
                                }
                                return nil
                            }
                        }
                        return try await group.reduce(into: [Int64]()) { if let id = $1 { $0.append(id) } }
                    }
                    // The checkout is refused and goes back to being the cart.
                    for orderID in started { try await checkouts.revertToCart(orderID: orderID) }
                    let counts = try await database.withConnection { db in
                        try await db.raw(
                            """
                            SELECT
                                SUM(CASE WHEN status = 'cart' THEN 1 ELSE 0 END) AS carts,
                                SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending,
                                SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS folded
                            FROM orders WHERE user_id = 7
                            """
                        ).first()
                    }
                    #expect(try counts?.decode(column: "carts", as: Int.self) == 1, "round \(round)")
                    #expect(try counts?.decode(column: "pending", as: Int.self) == 0, "round \(round)")
                    #expect(try counts?.decode(column: "folded", as: Int.self) == 0, "no second cart to fold into")
                    _ = try await orders.set(userID: 7, productID: Int64(pen), quantity: 1)
                }
            }
            #expect(try await client.addToCart(pen, 1, token: token).status == .created)
        }
    }

    /// Should a second cart exist anyway, a refused checkout folds into it
    /// instead of failing: one cart, no order left pending.
    @Test(arguments: TestBackend.available)
    func aRefusedCheckoutFoldsIntoACartThatAppeared(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let pen = try await harness.createProduct("pen", stock: 1000)
            let pad = try await harness.createProduct("pad", stock: 1000)
            let token = try await harness.token(user: 7)
            try await client.addToCart(pen, 3, token: token)
            try await harness.withDatabase { database in
                let checkouts = CheckoutStore(database: database)
                guard case .started(let attempt) = try await checkouts.begin(userID: 7, key: "k") else {
                    Issue.record("checkout did not start")
                    return
                }
                // A cart made behind the store's back (an old replica, a manual fix).
                try await database.withConnection { db in
                    let cartID = try await OrderRows.insertCart(userID: 7, db: db)
                    for (product, quantity) in [(pen, 1), (pad, 2)] {
                        try await db.raw(
                            """
                            INSERT INTO order_lines (order_id, product_id, quantity, added_at)
                            VALUES (\(bind: cartID), \(bind: product), \(bind: quantity), \(bind: Date()))
                            """
                        ).run()
                    }
                }
                try await checkouts.revertToCart(orderID: attempt.id)
            }
            let cart = try await client.call(.get, "/v1/cart", token: token)
            let quantities = Dictionary(
                uniqueKeysWithValues: (cart.json["items"] as? [[String: Any]] ?? []).compactMap { item in
                    (item["product_id"] as? Int).map { ($0, item["quantity"] as? Int ?? 0) }
                })
            #expect(quantities == [pen: 3, pad: 2])
            #expect((try await client.call(.get, "/v1/orders", token: token).json["items"] as? [Any])?.isEmpty == true)
        }
    }

    /// Cancelling while product-service is down cancels at once and owes the
    /// stock; the reconciler returns it. Before, the release came first and a
    /// failure between it and the status write left a placed order whose stock
    /// was back on sale.
    @Test(arguments: TestBackend.available)
    func aCancellationIsFinishedByTheReconciler(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            let placed = try await client.checkout(token: token)
            let orderID = try #require(placed.json["id"] as? Int)
            #expect(try await harness.stock("mug") == 3)

            try await ResilienceTests.withCatalogueDown(harness) { down in
                let cancelled = try await down.call(.post, "/v1/orders/\(orderID)/cancel", token: token)
                #expect(cancelled.status == .ok, "\(cancelled.text)")
                #expect(cancelled.json["status"] as? String == "cancelled")
            }
            #expect(try await harness.stock("mug") == 3, "not released yet")
            try await ResilienceTests.reconcile(harness)
            #expect(try await harness.stock("mug") == 5)
            // Cancelling again changes nothing.
            let again = try await client.call(.post, "/v1/orders/\(orderID)/cancel", token: token)
            #expect(again.json["status"] as? String == "cancelled")
            #expect(try await harness.stock("mug") == 5)
        }
    }

    /// The reconciler releases a reservation no placed or pending order stands
    /// on (a reserve that landed after its checkout gave up, or a foreign one),
    /// and leaves placed orders' reservations alone.
    @Test(arguments: TestBackend.available)
    func orphanedReservationsAreReleased(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 10)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            #expect(try await client.checkout(token: token).status == .created)
            let orphan = try await harness.reserve(checkoutID: "orphan-1", orderID: 999, lines: [(mug, 3)])
            #expect(orphan.status == .created)
            #expect(try await harness.stock("mug") == 5)
            try await ResilienceTests.reconcile(harness)
            #expect(try await harness.stock("mug") == 8, "the orphan's 3 are back, the order's 2 are not")
        }
    }

    /// A stale pending order whose attempt holds a reservation for other lines
    /// (foreign, or restored from an older backup) is not placed from it: the
    /// attempt is released and the order goes back to the cart.
    @Test(arguments: TestBackend.available)
    func theReconcilerComparesLinesBeforePlacing(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 10)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            let orderID = try await harness.withDatabase { database in
                guard case .started(let order) = try await CheckoutStore(database: database).begin(userID: 7, key: "k"),
                    let checkoutID = order.checkoutID
                else { throw CancellationError() }
                #expect(
                    try await harness.reserve(checkoutID: checkoutID, orderID: order.id, lines: [(mug, 1)]).status
                        == .created)
                return order.id
            }
            try await ResilienceTests.reconcile(harness)
            #expect(try await client.call(.get, "/v1/orders/\(orderID)", token: token).status == .notFound)
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)
            #expect(try await harness.stock("mug") == 10)
        }
    }
}
