import Foundation
import ShopTestSupport
import Testing

/// Issue 12's business metrics, read the way Prometheus reads them: a scripted
/// journey across real processes (a placed checkout, one out of stock, one
/// while product-service is down that the reconciler settles later, a wrong
/// password), and each counter moved by exactly what happened.
@Suite("Metrics across processes", .serialized)
struct MetricsSystemTests {
    @Test func aScriptedJourneyMovesEachCounterByWhatHappened() async throws {
        let shop = try await ShopCluster(.sqlite)
        defer { shop.stop() }
        let lamp = try await shop.createProduct("metric-lamp", price: 2500, stock: 1)
        let mug = try await shop.createProduct("metric-mug", price: 900, stock: 10)
        let ann = try await shop.register("ann")
        let bob = try await shop.register("bob")
        let cid = try await shop.register("cid")
        let users0 = try await Scrape(shop.users.baseURL)
        let orders0 = try await Scrape(shop.orders.baseURL)
        let products0 = try await Scrape(shop.products.baseURL)

        // Placed, then out of stock for the next buyer.
        #expect(try await shop.addToCart(lamp, 1, token: ann).status == 201)
        #expect(try await shop.checkout(token: ann).status == 201)
        #expect(try await shop.addToCart(lamp, 1, token: bob).status == 201)
        #expect(try await shop.checkout(token: bob).status == 409)
        // One wrong password.
        let wrong = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions", json: ["username": "ann", "password": "not-her-password"])
        #expect(wrong.status == 401)

        let users1 = try await Scrape(shop.users.baseURL)
        let products1 = try await Scrape(shop.products.baseURL)
        #expect(users1.delta(users0, "shop_logins_total", ["outcome": "failure"]) == 1)
        #expect(users1.delta(users0, "shop_logins_total", ["outcome": "throttled"]) == 0)
        #expect(products1.delta(products0, "shop_reservations_total", ["outcome": "created"]) == 1)
        #expect(products1.delta(products0, "shop_reservations_total", ["outcome": "insufficient_stock"]) == 1)
        #expect(products1.delta(products0, "shop_releases_total", ["outcome": "returned"]) == 0)

        // product-service down during a checkout: 503, the attempt owes its
        // release, and the reconciler pays it once product-service is back.
        #expect(try await shop.addToCart(mug, 2, token: cid).status == 201)
        try await shop.killProductService()
        #expect(try await shop.checkout(token: cid).status == 503)
        try await shop.restartProductService()
        var orders1 = try await Scrape(shop.orders.baseURL)
        let deadline = ContinuousClock.now + .seconds(20)
        while orders1.delta(orders0, "shop_reconciler_actions_total", ["action": "released"]) < 1,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(200))
            orders1 = try await Scrape(shop.orders.baseURL)
        }

        #expect(orders1.delta(orders0, "shop_checkouts_total", ["outcome": "placed"]) == 1)
        #expect(orders1.delta(orders0, "shop_checkouts_total", ["outcome": "insufficient_stock"]) == 1)
        #expect(orders1.delta(orders0, "shop_checkouts_total", ["outcome": "dependency_down"]) == 1)
        #expect(orders1.delta(orders0, "shop_checkouts_total", ["outcome": "replayed"]) == 0)
        #expect(orders1.delta(orders0, "shop_checkout_duration_seconds_count", [:]) == 3)
        #expect(orders1.delta(orders0, "shop_order_value_minor_count", ["currency": "USD"]) == 1)
        #expect(orders1.delta(orders0, "shop_order_value_minor_sum", ["currency": "USD"]) == 2500)
        #expect(orders1.delta(orders0, "shop_reconciler_actions_total", ["action": "released"]) == 1)
        #expect(orders1.delta(orders0, "shop_reconciler_actions_total", ["action": "placed"]) == 0)
        // ann's, bob's and cid's first adds (not the cart cid got back after the 503).
        #expect(orders1.delta(orders0, "shop_carts_created_total", [:]) == 3)
        #expect(orders1.value("shop_reconciler_backlog", [:]) == 0)
        let refused =
            orders1.delta(
                orders0, "shop_http_client_requests_total", ["target": "product-service", "outcome": "error"])
            + orders1.delta(
                orders0, "shop_http_client_requests_total", ["target": "product-service", "outcome": "circuit_open"])
        #expect(refused >= 1)
        #expect(
            orders1.delta(orders0, "shop_http_client_requests_total", ["target": "product-service", "outcome": "2xx"])
                >= 3)
        #expect(orders1.value("shop_circuit_breaker_state", ["target": "product-service"]) != nil)
        #expect(orders1.delta(orders0, "shop_db_query_duration_seconds_count", [:]) > 0)
        #expect(orders1.value("shop_db_pool_connections", ["state": "idle"]) != nil)
    }

    /// One `/metrics` page, parsed: samples by name and labels.
    struct Scrape {
        let samples: [String: [([String: String], Double)]]

        init(_ baseURL: String) async throws {
            let page = try await HTTP.send(.GET, baseURL + "/metrics")
            var samples: [String: [([String: String], Double)]] = [:]
            for line in page.text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
                else { continue }
                let series = line[..<space]
                let name: String
                var labels: [String: String] = [:]
                if let brace = series.firstIndex(of: "{") {
                    name = String(series[..<brace])
                    for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)]
                        .split(separator: ",")
                    {
                        let parts = pair.split(separator: "=", maxSplits: 1)
                        guard parts.count == 2 else { continue }
                        labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                    }
                } else {
                    name = String(series)
                }
                samples[name, default: []].append((labels, value))
            }
            self.samples = samples
        }

        /// The sum over series of `name` whose labels include `labels` (nil if none).
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            let matching = (samples[name] ?? []).filter { series in labels.allSatisfy { series.0[$0.key] == $0.value } }
            return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.1 }
        }

        func delta(_ before: Scrape, _ name: String, _ labels: [String: String]) -> Double {
            (value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)
        }
    }
}
