import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import OrderService

/// Products may be priced in different currencies; a cart, and so an order,
/// holds one. Before, a cart took both, showed their sum under whichever
/// currency came first, and every checkout of it failed naming no product.
@Suite("A cart's currency")
struct CartCurrencyTests {
    @Test(arguments: TestBackend.available)
    func aCartRefusesAProductInAnotherCurrency(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let token = try await harness.token(user: 7)
            let pen = try await harness.createProduct("pen", price: 1000)
            let mug = try await harness.createProduct("mug", price: 500, currency: "EUR")
            #expect(try await client.addToCart(pen, 1, token: token).status == .created)
            let refused = try await client.addToCart(mug, 1, token: token)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(refused.text.contains("EUR") && refused.text.contains("USD"), "\(refused.text)")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [[String: Any]])?.count == 1)
            #expect(cart.json["subtotal_minor"] as? Int == 1000)
            #expect(cart.json["currency"] as? String == "USD")
            // The same product again is fine; so is a EUR product in an emptied cart.
            #expect(try await client.addToCart(pen, 1, token: token).status == .created)
            #expect(try await client.call(.delete, "/v1/cart", token: token).status.code < 300)
            #expect(try await client.addToCart(mug, 1, token: token).status == .created)
        }
    }

    /// A product repriced in another currency after it went into a cart: the
    /// cart shows it unavailable and leaves it out of the subtotal, and a
    /// checkout is refused naming it, reserving nothing.
    @Test(arguments: TestBackend.available)
    func aLineRepricedInAnotherCurrencyIsNamed(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let token = try await harness.token(user: 7)
            let pen = try await harness.createProduct("pen", price: 1000)
            let pad = try await harness.createProduct("pad", price: 300)
            #expect(try await client.addToCart(pen, 2, token: token).status == .created)
            #expect(try await client.addToCart(pad, 1, token: token).status == .created)
            try await harness.updateProduct("pad", ["currency": "EUR"])

            let cart = try await client.call(.get, "/v1/cart", token: token)
            let items = try #require(cart.json["items"] as? [[String: Any]])
            let padLine = try #require(items.first { $0["product_id"] as? Int == pad })
            #expect(padLine["available"] as? Bool == false)
            #expect(padLine["currency"] as? String == "EUR")
            #expect(cart.json["subtotal_minor"] as? Int == 2000)
            #expect(cart.json["currency"] as? String == "USD")

            let refused = try await client.checkout(token: token)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(
                refused.json["type"] as? String == "https://microshop.dev/problems/mixed-currencies", "\(refused.text)")
            #expect(refused.text.contains("Pad"), "\(refused.text)")
            #expect(try await harness.stock("pen") == 10)
            #expect(try await harness.stock("pad") == 10)
            #expect(try await client.call(.get, "/v1/cart", token: token).json["id"] != nil, "still a cart")
        }
    }

    /// A withdrawn line cannot be bought, so it does not decide the cart's
    /// currency: a shop moving from USD to EUR does not lock old carts.
    @Test func aWithdrawnLineDoesNotSetTheCurrency() async throws {
        try await OrderServiceHarness.run(.sqlite) { client, harness in
            let token = try await harness.token(user: 7)
            let old = try await harness.createProduct("old", price: 1000)
            let mug = try await harness.createProduct("mug", price: 500, currency: "EUR")
            #expect(try await client.addToCart(old, 1, token: token).status == .created)
            try await harness.updateProduct("old", ["is_active": false])
            let added = try await client.addToCart(mug, 2, token: token)
            #expect(added.status == .created, "\(added.text)")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect(cart.json["currency"] as? String == "EUR")
            #expect(cart.json["subtotal_minor"] as? Int == 1000)
        }
    }
}
