import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import OrderService

@Suite("Checkout")
struct CheckoutTests {
    @Test(arguments: TestBackend.available)
    func placesWithReservedPricesAndEmptiesTheCart(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", price: 1200, stock: 5)
            let tote = try await harness.createProduct("tote", price: 1800, stock: 5)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            try await client.addToCart(tote, 1, token: token)

            #expect(try await client.call(.post, "/v1/orders", token: token).status == .badRequest, "key required")
            // Visible ASCII only, as the document's pattern says.
            for bad in ["", " ", "a b", "é", String(repeating: "k", count: 256)] {
                #expect(
                    try await client.checkout(token: token, key: bad).status == .badRequest,
                    "key \(bad.debugDescription)")
            }
            let placed = try await client.checkout(token: token, key: "order-1")
            #expect(placed.status == .created, "\(placed.text)")
            #expect(placed.json["status"] as? String == "placed")
            #expect(placed.json["total_minor"] as? Int == 4200)
            #expect(placed.json["currency"] as? String == "USD")
            let id = try #require(placed.json["id"] as? Int)
            #expect(placed.headers[.location] == "/v1/orders/\(id)")
            let number = try #require(placed.json["number"] as? String)
            #expect(number.hasPrefix("MS-") && number.count == 11)
            let items = try #require(placed.json["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["unit_price_minor"] as? Int } == [1200, 1800])
            #expect(items.compactMap { $0["name"] as? String } == ["Mug", "Tote"])

            #expect(try await harness.stock("mug") == 3)
            #expect((try await client.call(.get, "/v1/cart", token: token).json["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/v1/orders/\(id)", token: token).status == .ok)
            #expect(try await client.call(.get, "/v1/orders/\(number)", token: token).json["id"] as? Int == id)
            #expect(try await client.call(.get, "/v1/orders/\(number.lowercased())", token: token).status == .ok)

            // Nothing left to check out.
            #expect(try await client.checkout(token: token).status == .notFound)
            try await client.addToCart(mug, 1, token: token)
            _ = try await client.call(.put, "/v1/cart/items/\(mug)", json: ["quantity": 0], token: token)
            #expect(try await client.checkout(token: token).status == .unprocessableContent, "empty cart")
        }
    }

    @Test(arguments: TestBackend.available)
    func replayingTheKeyReturnsTheFirstResult(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            let first = try await client.checkout(token: token, key: "same-key")
            // The client never saw that answer and retries; meanwhile it filled a new cart.
            try await client.addToCart(mug, 1, token: token)
            let replay = try await client.checkout(token: token, key: "same-key")
            #expect(replay.status == .created)
            #expect(replay.json["id"] as? Int == first.json["id"] as? Int)
            #expect(try await harness.stock("mug") == 3, "placed once")
            let history = try await client.call(.get, "/v1/orders", token: token)
            #expect((history.json["items"] as? [Any])?.count == 1)
            // Keys are per user: another user's identical key is their own.
            let other = try await harness.token(user: 8)
            try await client.addToCart(mug, 1, token: other)
            #expect(try await client.checkout(token: other, key: "same-key").status == .created)
        }
    }

    @Test(arguments: TestBackend.available)
    func shortStockIs409NamingLinesAndKeepsTheCart(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let lamp = try await harness.createProduct("lamp", stock: 1)
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 2, token: token)
            try await client.addToCart(lamp, 3, token: token)

            let short = try await client.checkout(token: token, key: "k1")
            #expect(short.status == .conflict)
            let named = (short.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(named == ["product:\(lamp)"])
            #expect((short.json["detail"] as? String)?.contains("Lamp: requested 3, available 1") == true)
            let lines = try #require(short.json["lines"] as? [[String: Any]])
            #expect(lines.map { $0["product_id"] as? Int } == [lamp])
            #expect(lines.map { $0["name"] as? String } == ["Lamp"])
            #expect(lines.map { $0["available"] as? Int } == [1])
            #expect(try await harness.stock("mug") == 5, "nothing reserved")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [Any])?.count == 2, "the cart is back")

            let replayed = try await client.checkout(token: token, key: "k1")
            #expect(replayed.status == .conflict, "a replay repeats the answer")
            // Whole: the same problem document, title included (it was "" on a replay).
            #expect(replayed.json["title"] as? String == "Conflict")
            #expect(replayed.json["title"] as? String == short.json["title"] as? String)
            #expect(replayed.json["detail"] as? String == short.json["detail"] as? String)
            #expect((replayed.json["lines"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Lamp"])
            _ = try await client.call(.put, "/v1/cart/items/\(lamp)", json: ["quantity": 1], token: token)
            #expect(try await client.checkout(token: token, key: "k2").status == .created)
            #expect(try await harness.stock("lamp") == 0)

            try await client.addToCart(mug, 1, token: token)
            try await harness.deactivate("mug")
            let withdrawn = try await client.checkout(token: token)
            #expect(withdrawn.status == .unprocessableContent)
            #expect((withdrawn.json["lines"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Mug"])
            #expect((withdrawn.json["detail"] as? String)?.contains("Mug: is unknown or no longer sold") == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func cancelReleasesStockOnceAndOnlyForTheOwner(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 5)
            let token = try await harness.token(user: 7)
            let stranger = try await harness.token(user: 8)
            try await client.addToCart(mug, 3, token: token)
            let id = try #require(try await client.checkout(token: token).json["id"] as? Int)
            #expect(try await harness.stock("mug") == 2)

            #expect(try await client.call(.get, "/v1/orders/\(id)", token: stranger).status == .notFound)
            #expect(try await client.call(.post, "/v1/orders/\(id)/cancel", token: stranger).status == .notFound)
            #expect(try await harness.stock("mug") == 2)

            let cancelled = try await client.call(.post, "/v1/orders/\(id)/cancel", token: token)
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(try await harness.stock("mug") == 5)
            #expect(try await client.call(.post, "/v1/orders/\(id)/cancel", token: token).status == .ok)
            #expect(try await harness.stock("mug") == 5, "released once")
            #expect(try await client.call(.post, "/v1/orders/424242/cancel", token: token).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func historyIsNewestFirstAndPaginated(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 50)
            let pen = try await harness.createProduct("pen", stock: 50)
            let token = try await harness.token(user: 7)
            var ids: [Int] = []
            for count in 1...3 {
                try await client.addToCart(mug, count, token: token)
                if count == 2 { try await client.addToCart(pen, 1, token: token) }
                ids.append(try #require(try await client.checkout(token: token).json["id"] as? Int))
            }
            let first = try await client.call(.get, "/v1/orders?limit=2", token: token)
            let page = try #require(first.json["items"] as? [[String: Any]])
            #expect(page.compactMap { $0["id"] as? Int } == [ids[2], ids[1]])
            // Each order with its own lines (they are read for the whole page at once).
            let lines = page.map { order in
                (order["items"] as? [[String: Any]] ?? []).map {
                    "\($0["product_id"] as? Int ?? 0)×\($0["quantity"] as? Int ?? 0)"
                }
            }
            #expect(lines == [["\(mug)×3"], ["\(mug)×2", "\(pen)×1"]])
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await client.call(.get, "/v1/orders?limit=2&cursor=\(cursor)", token: token)
            #expect((second.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [ids[0]])
            #expect(second.json["next_cursor"] is NSNull)
            let other = try await harness.token(user: 8)
            #expect((try await client.call(.get, "/v1/orders", token: other).json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func adminSeesAllOrdersFiltered(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug", stock: 50)
            for user in [7, 8] {
                let token = try await harness.token(user: Int64(user))
                try await client.addToCart(mug, 1, token: token)
                let id = try #require(try await client.checkout(token: token).json["id"] as? Int)
                if user == 8 { _ = try await client.call(.post, "/v1/orders/\(id)/cancel", token: token) }
            }
            let customer = try await harness.token(user: 7)
            #expect(try await client.call(.get, "/v1/admin/orders", token: customer).status == .forbidden)
            let all = try await client.call(.get, "/v1/admin/orders", token: harness.admin)
            #expect((all.json["items"] as? [Any])?.count == 2)
            let cancelled = try await client.call(.get, "/v1/admin/orders?status=cancelled", token: harness.admin)
            #expect((cancelled.json["items"] as? [[String: Any]])?.compactMap { $0["user_id"] as? Int } == [8])
            let byUser = try await client.call(.get, "/v1/admin/orders?user=7", token: harness.admin)
            #expect((byUser.json["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["placed"])
            #expect(
                try await client.call(.get, "/v1/admin/orders?status=bogus", token: harness.admin).status
                    == .unprocessableContent)
        }
    }
}
