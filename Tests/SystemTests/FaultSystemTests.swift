import Foundation
import ShopTestSupport
import Synchronization
import Testing

/// Faults injected into real processes (`FAULTS`, see `Faults`): what the shop
/// answers while they last, and that stock and orders agree once they are over.
@Suite("Faults")
struct FaultSystemTests {
    /// product-service slower than order-service's timeout: the checkout answers
    /// 503 within its budget, the circuit opens (later calls fail at once), and
    /// closes again on the first call that succeeds after the cool-down. The
    /// reservation that landed after the checkout gave up is released.
    @Test(arguments: TestBackend.available)
    func aSlowProductServiceOpensTheCircuitAndNothingLeaks(backend: TestBackend) async throws {
        let shop = try await ShopCluster(
            backend,
            orderSettings: [
                "PRODUCT_SERVICE_TIMEOUT_MS": "800", "PRODUCT_SERVICE_ATTEMPTS": "3", "BREAKER_THRESHOLD": "3",
                // Long enough that the calls below still meet the open circuit
                // when the slow checkout's own clean-up ran slowly on a loaded machine.
                "BREAKER_COOLDOWN_MS": "3000",
            ])
        defer { shop.stop() }
        let pen = try await shop.createProduct("pen", stock: 10)
        let ann = try await shop.register("ann")
        let bob = try await shop.register("bob")
        #expect(try await shop.addToCart(pen, 2, token: ann).status == 201)
        #expect(try await shop.addToCart(pen, 1, token: bob).status == 201)
        try await shop.killProductService()
        try await shop.restartProductService(settings: ["FAULTS": "route * /v1 delay=2000"])

        // Budget: 3 attempts × 0.8 s + backoff (≤ 0.45 s); waiting out the delay
        // instead would take at least 3 × 2 s. Bounds leave room for a loaded machine.
        let started = ContinuousClock.now
        let slow = try await shop.checkout(token: ann)
        let took = ContinuousClock.now - started
        #expect(slow.status == 503, "\(slow.text)")
        #expect(slow.headers["retry-after"] != nil)
        #expect(took < .seconds(5), "answered within its budget, took \(took)")

        // Open: refused at once, without a call going out. Told by what order-service
        // counted, not by a clock (a loaded machine makes any time bound flaky).
        let before = try await MetricsSystemTests.Scrape(shop.orders.baseURL)
        #expect(try await shop.checkout(token: bob).status == 503)
        #expect(try await shop.addToCart(pen, 1, token: bob).status == 503)
        let after = try await MetricsSystemTests.Scrape(shop.orders.baseURL)
        let target = ["target": "product-service"]
        // Open, or half-open once the cool-down passed on a slow machine: either
        // way at most one trial call goes out and the breaker refuses the rest.
        #expect(
            after.delta(before, "shop_http_client_requests_total", target.merging(["outcome": "circuit_open"]) { $1 })
                >= 1, "the circuit refused calls itself")
        #expect(
            after.delta(before, "shop_http_client_duration_seconds_count", target) <= 2,
            "at most a half-open trial per call went out to product-service")

        // Ann's last attempt lands (and reserves) after she got her answer.
        try await Task.sleep(for: .milliseconds(2500))
        try await shop.killProductService()
        try await shop.restartProductService()
        // After the cool-down a call that succeeds closes the circuit (adds read the catalogue).
        var add = try await shop.addToCart(pen, 1, token: bob)
        for _ in 0..<40 where add.status == 503 {
            try await Task.sleep(for: .milliseconds(200))
            add = try await shop.addToCart(pen, 1, token: bob)
        }
        #expect(add.status == 201, "\(add.text)")
        #expect(try await shop.addToCart(pen, 1, token: bob).status == 201, "closed again")

        // The attempts that reserved late were released (by the checkout, or owed
        // and released by the reconciler): every unit is back.
        try await Self.settle(shop, slug: "pen", start: 10)
        #expect(try await shop.allOrders(status: "placed").isEmpty)
    }

    /// Half of the reservation answers are lost on the way back (the stock was
    /// taken): retries replay the reservation, and every buyer ends with exactly
    /// one order and the stock taken once.
    @Test(arguments: TestBackend.available)
    func lostReservationAnswersAreReplayedNotRepeated(backend: TestBackend) async throws {
        let shop = try await ShopCluster(
            backend, orderSettings: ["FAULTS": "call POST /v1/reservations drop 50%", "BREAKER_THRESHOLD": "100"])
        defer { shop.stop() }
        let pen = try await shop.createProduct("pen", stock: 100)
        var placed = 0
        for index in 0..<8 {
            let token = try await shop.register("buyer\(index)")
            #expect(try await shop.addToCart(pen, 2, token: token).status == 201)
            var reply = try await shop.checkout(token: token)
            for _ in 0..<10 where reply.status == 503 {
                try await Task.sleep(for: .milliseconds(200))
                reply = try await shop.checkout(token: token)
            }
            #expect(reply.status == 201, "\(reply.text)")
            if reply.status == 201 { placed += 1 }
        }
        try await Self.settle(shop, slug: "pen", start: 100)
        #expect(try await shop.allOrders(status: "placed").count == placed)
        #expect(try await shop.stock("pen") == 100 - 2 * placed)
    }

    /// user-service down: signed-in customers keep browsing and buying, since
    /// every service verifies tokens itself with keys it already holds.
    @Test(arguments: TestBackend.available)
    func customersKeepBuyingWhileUserServiceIsDown(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let pen = try await shop.createProduct("pen", stock: 5)
        let token = try await shop.register("cleo")
        #expect(try await shop.addToCart(pen, 1, token: token).status == 201)
        shop.users.signal(SIGKILL)
        _ = try await shop.users.waitForExit()

        let catalogue = try await HTTP.send(.GET, shop.products.baseURL + "/v1/products")
        #expect(catalogue.status == 200)
        #expect(try await shop.addToCart(pen, 1, token: token).status == 201)
        let order = try await shop.checkout(token: token)
        #expect(order.status == 201, "\(order.text)")
        let history = try await HTTP.send(
            .GET, shop.orders.baseURL + "/v1/orders", headers: ["Authorization": "Bearer \(token)"])
        #expect((history.json["items"] as? [Any])?.count == 1)
        #expect(try await HTTP.send(.GET, shop.orders.baseURL + "/v1/orders").status == 401, "still authenticated")
    }

    /// Waits (up to 40 s) until nothing is pending and stock + placed units equals
    /// `start`, not before `after`; records an issue if that never happens.
    static func settle(
        _ shop: ShopCluster, slug: String, start: Int, after: ContinuousClock.Instant = .now
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(40)
        var last = ""
        while ContinuousClock.now < deadline {
            let pending = try await shop.allOrders(status: "pending")
            let placedUnits = try await shop.allOrders(status: "placed").flatMap {
                $0["items"] as? [[String: Any]] ?? []
            }
            .reduce(0) { $0 + ($1["quantity"] as? Int ?? 0) }
            let stock = try await shop.stock(slug)
            last = "pending \(pending.count), stock \(stock), placed units \(placedUnits)"
            if ContinuousClock.now >= after, pending.isEmpty, stock + placedUnits == start { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("never settled to stock + placed = \(start): \(last)")
    }
}
