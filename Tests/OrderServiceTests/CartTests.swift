import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

@Suite("Cart")
struct CartTests {
    /// product-service reserves at most 100 lines for one checkout: a cart takes
    /// 100 different products, shown priced, and refuses the 101st at once with
    /// a clear 422 (before, it took it, and every checkout of that cart failed
    /// naming no product).
    @Test func aCartTakesAHundredProductsAndRefusesTheNext() async throws {
        try await OrderServiceHarness.run(.sqlite) { client, harness in
            let token = try await harness.token(user: 7)
            for index in 0..<100 {
                let id = try await harness.createProduct("p\(index)", price: 100)
                let added = try await client.addToCart(id, 1, token: token)
                #expect(added.status == .created, "product \(index): \(added.text)")
            }
            let extra = try await harness.createProduct("p100", price: 100)
            let refused = try await client.addToCart(extra, 1, token: token)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(refused.text.contains("at most 100 different products"), "\(refused.text)")
            let view = try await client.call(.get, "/v1/cart", token: token)
            let items = try #require(view.json["items"] as? [[String: Any]])
            #expect(items.count == 100)
            #expect(items.allSatisfy { $0["unit_price_minor"] as? Int == 100 }, "every line priced")
            #expect(view.json["catalogue_available"] as? Bool == true)
            #expect(try await client.checkout(token: token).status == .created, "and it checks out")
        }
    }

    @Test(arguments: TestBackend.available)
    func addSumChangeRemoveAndClear(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", price: 1200)
            let tote = try await harness.createProduct("tote", price: 1800)
            let token = try await harness.token(user: 7)

            let empty = try await client.call(.get, "/v1/cart", token: token)
            #expect(empty.status == .ok)
            #expect((empty.json["items"] as? [Any])?.isEmpty == true)

            #expect(try await client.addToCart(mug, 2, token: token).status == .created)
            let summed = try await client.addToCart(mug, 1, token: token)
            let line = try #require((summed.json["items"] as? [[String: Any]])?.first)
            #expect(line["quantity"] as? Int == 3)
            #expect(line["name"] as? String == "Mug")
            #expect(line["unit_price_minor"] as? Int == 1200)
            #expect(line["line_total_minor"] as? Int == 3600)
            // The answer to an add shows every line, priced, from the one catalogue read.
            let both = try await client.addToCart(tote, 1, token: token)
            let names = (both.json["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(Set(names ?? []) == ["Mug", "Tote"])
            #expect(both.json["subtotal_minor"] as? Int == 5400)

            let view = try await client.call(.get, "/v1/cart", token: token)
            #expect(view.json["subtotal_minor"] as? Int == 5400)
            #expect(view.json["item_count"] as? Int == 4)
            #expect(view.json["catalogue_available"] as? Bool == true)

            let changed = try await client.call(.put, "/v1/cart/items/\(mug)", json: ["quantity": 5], token: token)
            #expect((changed.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 5)
            let removedByZero = try await client.call(
                .put, "/v1/cart/items/\(tote)", json: ["quantity": 0], token: token)
            #expect((removedByZero.json["items"] as? [[String: Any]])?.count == 1)
            #expect(try await client.call(.delete, "/v1/cart/items/\(mug)", token: token).status == .noContent)
            #expect(try await client.call(.delete, "/v1/cart/items/\(mug)", token: token).status == .notFound)
            try await client.addToCart(mug, 1, token: token)
            #expect(try await client.call(.delete, "/v1/cart", token: token).status == .noContent)
            #expect((try await client.call(.get, "/v1/cart", token: token).json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func rejectsBadItemsAndStrangers(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend, settings: ["CART_MAX_QUANTITY": "5"]) { client, harness in
            let mug = try await harness.createProduct("mug")
            let old = try await harness.createProduct("old")
            try await harness.deactivate("old")
            let token = try await harness.token(user: 7)

            #expect(try await client.addToCart(mug, 1, token: "nonsense").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/cart", token: nil).status == .unauthorized)
            let forged = try await harness.keys.token(userID: 7, key: .init())
            #expect(try await client.call(.get, "/v1/cart", token: forged).status == .unauthorized)
            let expired = try await harness.keys.token(userID: 7, lifetime: .seconds(-60))
            #expect(try await client.call(.get, "/v1/cart", token: expired).status == .unauthorized)

            #expect(try await client.addToCart(999_999, 1, token: token).status == .unprocessableContent)
            #expect(try await client.addToCart(old, 1, token: token).status == .unprocessableContent)
            #expect(try await client.addToCart(mug, 0, token: token).status == .unprocessableContent)
            #expect(try await client.addToCart(mug, -1, token: token).status == .unprocessableContent)
            #expect(try await client.addToCart(mug, 6, token: token).status == .unprocessableContent)
            let text = try await client.call(
                .post, "/v1/cart/items", json: ["product_id": mug, "quantity": "two"], token: token)
            #expect(text.status == .badRequest)
            #expect(
                try await client.call(.post, "/v1/cart/items", json: [:], token: token).status == .unprocessableContent)

            try await client.addToCart(mug, 4, token: token)
            let over = try await client.addToCart(mug, 2, token: token)
            #expect(over.status == .unprocessableContent, "the per-line maximum counts what is already in the cart")
            #expect(
                try await client.call(.put, "/v1/cart/items/\(mug)", json: ["quantity": 6], token: token).status
                    == .unprocessableContent)
            #expect(
                try await client.call(.put, "/v1/cart/items/\(old)", json: ["quantity": 1], token: token).status
                    == .notFound)
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 4)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentAddsSumCorrectly(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug")
            let token = try await harness.token(user: 9)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 { group.addTask { try await client.addToCart(mug, 1, token: token).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .created, count: 10))
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 10)
        }
    }

    /// Different products added at once: each answer shows every line it holds
    /// priced, even lines another request added after this one read the cart.
    @Test(arguments: TestBackend.available)
    func concurrentAddsOfDifferentProductsAnswerEveryLinePriced(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            var ids: [Int] = []
            for index in 0..<8 { ids.append(try await harness.createProduct("p\(index)", price: 100)) }
            let token = try await harness.token(user: 11)
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for id in ids { group.addTask { try await client.addToCart(id, 1, token: token) } }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            for answer in answers {
                #expect(answer.status == .created)
                let items = try #require(answer.json["items"] as? [[String: Any]])
                #expect(items.allSatisfy { $0["unit_price_minor"] as? Int == 100 && $0["name"] != nil })
                #expect(answer.json["subtotal_minor"] as? Int == items.count * 100)
            }
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [Any])?.count == 8)
        }
    }

    /// A cart read names the ETag of product-service's last answer for its
    /// products: unchanged, they come back as 304 and are not decoded again;
    /// repriced, the cart shows the new price at once.
    @Test(arguments: TestBackend.available)
    func aRepricedProductShowsAtOnce(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", price: 1000)
            let token = try await harness.token(user: 12)
            try await client.addToCart(mug, 2, token: token)
            for _ in 0..<2 {
                #expect(try await client.call(.get, "/v1/cart", token: token).json["subtotal_minor"] as? Int == 2000)
            }
            let batch = try await harness.product.execute(uri: "/v1/products?ids=\(mug)", method: .get)
            let etag = try #require(batch.headers[.eTag])
            let unchanged = try await harness.product.execute(
                uri: "/v1/products?ids=\(mug)", method: .get, headers: [.ifNoneMatch: etag])
            #expect(unchanged.status == .notModified)

            let repriced = try await harness.product.call(
                .patch, "/v1/products/mug", json: ["price_minor": 1500], token: harness.admin)
            #expect(repriced.status == .ok, "\(repriced.text)")
            let cart = try await client.call(.get, "/v1/cart", token: token).json
            #expect(cart["subtotal_minor"] as? Int == 3000)
            #expect((cart["items"] as? [[String: Any]])?.first?["unit_price_minor"] as? Int == 1500)
        }
    }

    /// Within `catalogue.cache.ms` a cart shows products as last described,
    /// without asking product-service (the time is long here so a loaded run
    /// stays inside it; `ETagCache`'s own tests see it run out). A checkout
    /// prices the order by its reservation, never by what the cart showed.
    @Test func aCartShowsProductsAsDescribedWithinTheCacheTime() async throws {
        try await OrderServiceHarness.run(.sqlite, settings: ["CATALOGUE_CACHE_MS": "600000"]) { client, harness in
            let mug = try await harness.createProduct("mug", price: 1000)
            let token = try await harness.token(user: 13)
            try await client.addToCart(mug, 1, token: token)
            #expect(try await client.call(.get, "/v1/cart", token: token).json["subtotal_minor"] as? Int == 1000)
            let repriced = try await harness.product.call(
                .patch, "/v1/products/mug", json: ["price_minor": 1500], token: harness.admin)
            #expect(repriced.status == .ok)
            #expect(try await client.call(.get, "/v1/cart", token: token).json["subtotal_minor"] as? Int == 1000)
            let order = try await client.checkout(token: token)
            #expect(order.status == .created, "\(order.text)")
            #expect(order.json["total_minor"] as? Int == 1500, "the reservation's price")
        }
    }

    @Test(arguments: TestBackend.available)
    func linesThatBecameUnavailableAreMarked(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 10)
            let tote = try await harness.createProduct("tote", stock: 10)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 1, token: token)
            try await client.addToCart(tote, 2, token: token)
            try await harness.deactivate("tote")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            let items = try #require(cart.json["items"] as? [[String: Any]])
            #expect(items.map { $0["available"] as? Bool } == [true, false])
            #expect(cart.json["subtotal_minor"] as? Int == 1000, "unavailable lines do not count")
        }
    }

    /// While a checkout of the cart runs, the cart cannot change: the change
    /// would be lost or undone when the checkout puts the lines back. Before,
    /// emptying answered 204 and the lines came back, a quantity change
    /// answered 404 "not in your cart", and a checkout under another key 404
    /// "no open cart".
    @Test(arguments: TestBackend.available)
    func aCartInCheckoutCannotChange(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug")
            let token = try await harness.token(user: 7)
            #expect(try await client.addToCart(mug, 2, token: token).status == .created)
            let attempt = try await harness.withDatabase { database in
                guard case .started(let order) = try await CheckoutStore(database: database).begin(userID: 7, key: "k")
                else { throw TestSetupError("the checkout did not start") }
                return order.id
            }
            let changes: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.put, "/v1/cart/items/\(mug)", ["quantity": 1]), (.delete, "/v1/cart/items/\(mug)", nil),
                (.delete, "/v1/cart", nil),
            ]
            for (method, path, body) in changes {
                let refused = try await client.call(method, path, json: body, token: token)
                #expect(refused.status == .conflict, "\(method) \(path): \(refused.text)")
                #expect(refused.headers[.retryAfter] != nil)
            }
            #expect(try await client.checkout(token: token, key: "another").status == .conflict)
            // The original `/api` answers a double submit as it always did: no cart to check out.
            let legacy = try await LegacyOrderContractTests.post(client, "/api/order/checkout", apiKey: token)
            #expect(legacy.status == .notFound, "\(legacy.text)")

            // The checkout ends unplaced: the lines are back as they were, and may change again.
            _ = try await harness.withDatabase { try await CheckoutStore(database: $0).revertToCart(orderID: attempt) }
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)
            #expect(
                try await client.call(.put, "/v1/cart/items/\(mug)", json: ["quantity": 1], token: token).status == .ok)
        }
    }

    /// A per-line limit no line can meet (0 crashed every add), or one above
    /// what product-service reserves in a line (such a cart could never be
    /// checked out), is refused at start, naming the setting.
    @Test func aQuantityLimitNoCheckoutCanMeetIsRefusedAtStart() throws {
        func configuration(_ value: String) -> OrderServiceConfiguration {
            OrderServiceConfiguration(reader: .shop(arguments: ["t"], environment: ["CART_MAX_QUANTITY": value]))
        }
        for value in ["0", "-1", "10001"] {
            #expect(throws: OrderServiceConfiguration.Invalid.self, "\(value)") { try configuration(value).check() }
        }
        try configuration("1").check()
        try configuration("10000").check()
    }
}
