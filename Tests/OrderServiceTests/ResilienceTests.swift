import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

/// product-service unreachable: reads still answer, writes fail fast and clearly,
/// and no stock or order is lost.
@Suite("When product-service is down")
struct ResilienceTests {
    /// The same order-service database, but product-service's address leads nowhere.
    static func withCatalogueDown(
        _ harness: OrderServiceHarness, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var environment = harness.environment
        environment["PRODUCT_SERVICE_URL"] = "http://127.0.0.1:9"
        environment["PRODUCT_SERVICE_ATTEMPTS"] = "2"
        // A hang would wait this out; a refused connection fails long before.
        environment["PRODUCT_SERVICE_TIMEOUT_MS"] = "60000"
        let app = try await buildOrderService(reader: .shop(arguments: ["test"], environment: environment))
        try await app.test(.router) { client in try await body(client) }
    }

    @Test(arguments: TestBackend.available)
    func cartStillReadsAndWritesFailFast(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)

            try await Self.withCatalogueDown(harness) { down in
                let cart = try await down.call(.get, "/v1/cart", token: token)
                #expect(cart.status == .ok)
                #expect(cart.json["catalogue_available"] as? Bool == false)
                #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)

                let start = ContinuousClock.now
                let add = try await down.addToCart(mug, 1, token: token)
                #expect(add.status == .serviceUnavailable)
                #expect(add.headers[.retryAfter] != nil)
                // Far below one 60 s timeout, with room for a loaded machine.
                #expect(ContinuousClock.now - start < .seconds(30), "fails fast, never hangs")

                let checkout = try await down.checkout(token: token, key: "while-down")
                #expect(checkout.status == .serviceUnavailable)
                let after = try await down.call(.get, "/v1/cart", token: token)
                #expect((after.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2, "cart unchanged")
                #expect(
                    (try await down.call(.get, "/v1/orders", token: token).json["items"] as? [Any])?.isEmpty == true)
            }
            // Back up: the same key may try again, and the order is placed once.
            let placed = try await client.checkout(token: token, key: "while-down")
            #expect(placed.status == .created, "\(placed.text)")
            #expect(try await harness.stock("mug") == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func abandonedAttemptIsReleasedByTheReconciler(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            // A checkout whose reservation went through but whose answer was lost.
            let cart = try await client.call(.get, "/v1/cart", token: token)
            let orderID = try #require(cart.json["id"] as? Int)
            try await harness.withDatabase { database in
                let store = CheckoutStore(database: database)
                guard case .started(let order) = try await store.begin(userID: 7, key: "lost"),
                    let checkoutID = order.checkoutID
                else {
                    Issue.record("checkout did not start")
                    return
                }
                let reserved = try await harness.reserve(
                    checkoutID: checkoutID, orderID: Int64(orderID), lines: [(mug, 2)])
                #expect(reserved.status == .created)
                #expect(try await harness.stock("mug") == 3)
                try await store.abandon(orderID: Int64(orderID))
                #expect(try await store.ordersNeedingRelease(limit: 10).map(\.orderID) == [Int64(orderID)])
            }
            // The user has a fresh cart with the same lines, and no visible order.
            let fresh = try await client.call(.get, "/v1/cart", token: token)
            #expect(fresh.json["id"] as? Int != orderID)
            #expect((fresh.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)
            #expect(try await client.call(.get, "/v1/orders/\(orderID)", token: token).status == .notFound)

            // The lost attempt placed nothing: a retry with its key is told to
            // start again, never answered 201.
            let retried = try await client.checkout(token: token, key: "lost")
            #expect(retried.status == .conflict, "\(retried.text)")

            try await Self.reconcile(harness)
            #expect(try await harness.stock("mug") == 5, "the orphaned reservation was released")
            #expect(
                try await client.checkout(token: token, key: "lost").status == .conflict, "after the reconciler too")
            #expect(try await client.checkout(token: token).status == .created)
            #expect(try await harness.stock("mug") == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func stalePendingOrdersAreCompletedOrReturned(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let placedUser = try await harness.token(user: 7)
            let revertedUser = try await harness.token(user: 8)
            try await client.addToCart(mug, 2, token: placedUser)
            try await client.addToCart(mug, 1, token: revertedUser)
            let placedOrder = try #require(
                try await client.call(.get, "/v1/cart", token: placedUser).json["id"] as? Int)

            // Both checkouts "crash" after going pending; one had reserved stock.
            try await harness.withDatabase { database in
                let store = CheckoutStore(database: database)
                guard case .started(let order) = try await store.begin(userID: 7, key: "crash-1"),
                    let checkoutID = order.checkoutID
                else {
                    Issue.record("checkout did not start")
                    return
                }
                _ = try await store.begin(userID: 8, key: "crash-2")
                let reserved = try await harness.reserve(
                    checkoutID: checkoutID, orderID: Int64(placedOrder), lines: [(mug, 2)])
                #expect(reserved.status == .created)
            }
            #expect(try await client.addToCart(mug, 1, token: revertedUser).status == .conflict, "checkout in progress")

            try await Self.reconcile(harness)
            let placed = try await client.call(.get, "/v1/orders/\(placedOrder)", token: placedUser)
            #expect(placed.json["status"] as? String == "placed")
            #expect(placed.json["total_minor"] as? Int == 2000)
            let back = try await client.call(.get, "/v1/cart", token: revertedUser)
            #expect((back.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 1)
            #expect(try await harness.stock("mug") == 3)
            // The replayed key now reports the placed order.
            #expect(try await client.checkout(token: placedUser, key: "crash-1").json["id"] as? Int == placedOrder)
        }
    }

    /// One reconciler round, with no grace period unless one is given, against
    /// the live product-service.
    static func reconcile(_ harness: OrderServiceHarness, grace: Duration = .zero) async throws {
        try await harness.withDatabase { database in
            let reconciler = Reconciler(
                store: CheckoutStore(database: database), catalog: try harness.catalog(),
                interval: .seconds(1), grace: grace, logger: Logger(label: "reconciler"))
            try await Task.sleep(for: .milliseconds(50))
            #expect(await reconciler.reconcileOnce() > 0)
        }
    }
}
