import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import OrderService

@Suite("Legacy /api order contract")
struct LegacyOrderContractTests {
    static func post(
        _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)] = [], apiKey: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let apiKey { headers[.authorization] = "Basic \(apiKey)" }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: .form(fields))
    }

    @Test(arguments: TestBackend.available)
    func originalJourney(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", price: 1250, stock: 10)
            let tote = try await harness.createProduct("tote", stock: 10)
            let key = try await harness.token(user: 7)

            let first = try await Self.post(
                client, "/api/order/add-item", [("product_id", "\(mug)"), ("qty", "2")], apiKey: key)
            #expect(first.status == .ok)
            let order = try #require(first.json["result"] as? [String: Any])
            #expect(order["is_open"] as? Bool == true)
            #expect(order["user_id"] as? Int == 7)
            _ = try await Self.post(
                client, "/api/order/add-item", [("product_id", "\(mug)"), ("qty", "1")], apiKey: key)
            _ = try await Self.post(
                client, "/api/order/add-item", [("product_id", "\(tote)"), ("qty", "1")], apiKey: key)

            let open = try await client.execute(
                uri: "/api/order", method: .get, headers: [.authorization: "Basic \(key)"])
            let items = try #require((open.json["result"] as? [String: Any])?["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items[0]["product"] as? Int == mug)
            #expect(items[0]["quantity"] as? Int == 3, "the same product twice sums")

            let checkout = try await Self.post(client, "/api/order/checkout", apiKey: key)
            #expect(checkout.status == .ok)
            let closed = try #require(checkout.json["result"] as? [String: Any])
            #expect(closed["is_open"] as? Bool == false)
            #expect(closed["total"] as? Double == 47.5)

            let none = try await client.execute(
                uri: "/api/order", method: .get, headers: [.authorization: "Basic \(key)"])
            #expect(none.status == .ok)
            #expect(none.json as NSDictionary == ["message": "No order found"])
            let again = try await Self.post(client, "/api/order/checkout", apiKey: key)
            #expect(again.status == .notFound)
            #expect(again.json["message"] is String)
        }
    }

    @Test(arguments: TestBackend.available)
    func errorsKeepTheShape(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let lamp = try await harness.createProduct("lamp", stock: 1)
            let key = try await harness.token(user: 7)

            let anonymous = try await Self.post(
                client, "/api/order/add-item", [("product_id", "\(lamp)"), ("qty", "1")], apiKey: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.json as NSDictionary == ["message": "Not logged in"])
            let bogus = try await Self.post(
                client, "/api/order/add-item", [("product_id", "\(lamp)")], apiKey: "bogus.token.x")
            #expect(bogus.json as NSDictionary == ["message": "Not logged in"])
            #expect(try await client.execute(uri: "/api/order", method: .get).status == .unauthorized)

            for fields in [
                [("product_id", "\(lamp)"), ("qty", "zero")], [("product_id", "x"), ("qty", "1")], [("qty", "1")],
            ] {
                let bad = try await Self.post(client, "/api/order/add-item", fields, apiKey: key)
                #expect(bad.status == .badRequest, "\(fields)")
                #expect(bad.json["message"] is String)
            }
            _ = try await Self.post(
                client, "/api/order/add-item", [("product_id", "\(lamp)"), ("qty", "2")], apiKey: key)
            let short = try await Self.post(client, "/api/order/checkout", apiKey: key)
            #expect(short.status == .conflict)
            #expect((short.json["message"] as? String)?.contains("Lamp") == true)

            let customerList = try await client.execute(
                uri: "/api/orders", method: .get, headers: [.authorization: "Basic \(key)"])
            #expect(customerList.status == .forbidden)
            let adminList = try await client.execute(
                uri: "/api/orders", method: .get, headers: [.authorization: "Basic \(harness.admin)"])
            #expect(adminList.status == .ok)
            #expect(adminList.jsonArray.count == 1)
            #expect(adminList.jsonArray.first?["is_open"] as? Bool == true)
        }
    }

    /// A checkout set aside unplaced (product-service down, or prices changed)
    /// is not a checked-out order: the original `/api/orders`, where an order
    /// that is not open was checked out, does not list it (it did).
    @Test(arguments: TestBackend.available)
    func attemptsSetAsideAreNotListedAsOrders(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug")
            #expect(try await client.addToCart(mug, 1, token: try await harness.token(user: 7)).status == .created)
            try await harness.withDatabase { database in
                let store = CheckoutStore(database: database)
                guard case .started(let order) = try await store.begin(userID: 7, key: "down") else {
                    Issue.record("the checkout did not start")
                    return
                }
                #expect(try await store.abandon(orderID: order.id))
            }
            let list = try await client.execute(
                uri: "/api/orders", method: .get, headers: [.authorization: "Basic \(harness.admin)"])
            #expect(list.jsonArray.count == 1, "only the cart the lines went back to: \(list.text)")
            #expect(list.jsonArray.first?["is_open"] as? Bool == true)
        }
    }
}
