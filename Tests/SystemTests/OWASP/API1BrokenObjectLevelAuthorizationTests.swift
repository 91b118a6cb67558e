import Foundation
import ShopTestSupport
import Testing

/// OWASP API1:2023, broken object level authorization: every route that names
/// an object (a user, an order, a cart line, a reservation) refuses another
/// customer's, on `/v1` and `/api`, and changes nothing of it.
@Suite("OWASP API1 broken object level authorization", .serialized)
struct API1BrokenObjectLevelAuthorizationTests {
    @Test(arguments: TestBackend.available)
    func anotherCustomersObjectsAreOutOfReach(backend: TestBackend) async throws {
        let owasp = try await OWASPShop.start(backend)
        defer { owasp.stop() }
        let (users, orders, products) = (
            owasp.shop.users.baseURL, owasp.shop.orders.baseURL, owasp.shop.products.baseURL
        )
        let attacker = owasp.attacker.bearer
        let victimID = owasp.victim.userID

        // Users: reading or changing another account.
        #expect(try await HTTP.send(.GET, users + "/v1/users/\(victimID)", headers: attacker).status == 404)
        let patched = try await HTTP.send(
            .PATCH, users + "/v1/users/\(victimID)", headers: attacker, json: ["is_active": false])
        #expect(patched.status == 403)
        #expect(try await HTTP.send(.GET, users + "/v1/users/me", headers: owasp.victim.bearer).status == 200)

        // Orders: by id and by number, read and cancel, and by walking ids.
        let victimOrder = try await HTTP.send(
            .GET, orders + "/v1/orders/\(owasp.victimOrder)", headers: owasp.victim.bearer)
        #expect(victimOrder.status == 200)
        let number = try #require(victimOrder.json["number"] as? String)
        for reference in [owasp.victimOrder, number] {
            #expect(try await HTTP.send(.GET, orders + "/v1/orders/\(reference)", headers: attacker).status == 404)
            let cancel = try await HTTP.send(.POST, orders + "/v1/orders/\(reference)/cancel", headers: attacker)
            #expect(cancel.status == 404)
        }
        for id in 1...10 {
            let status = try await HTTP.send(.GET, orders + "/v1/orders/\(id)", headers: attacker).status
            #expect(status == 404, "order \(id)")
        }
        let stillPlaced = try await HTTP.send(
            .GET, orders + "/v1/orders/\(owasp.victimOrder)", headers: owasp.victim.bearer)
        #expect(stillPlaced.json["status"] as? String == "placed")

        // Lists show only one's own.
        let mine = try await HTTP.send(.GET, orders + "/v1/orders", headers: attacker)
        #expect((mine.json["items"] as? [Any])?.isEmpty == true)
        let legacy = try await HTTP.send(
            .GET, orders + "/api/order", headers: ["Authorization": "Basic \(owasp.attacker.token)"])
        #expect(legacy.status == 200 || legacy.status == 404, "\(legacy.text)")
        let leaked = legacy.text.contains("\"quantity\"")
        #expect(!leaked, "the victim's order in the attacker's list: \(legacy.text)")

        // Cart lines are the caller's own: touching the victim's product id
        // changes the attacker's cart, never the victim's.
        let removed = try await HTTP.send(
            .DELETE, orders + "/v1/cart/items/\(owasp.productID)", headers: attacker)
        #expect(removed.status == 404)
        let victimCart = try await HTTP.send(.GET, orders + "/v1/cart", headers: owasp.victim.bearer)
        let lines = victimCart.json["items"] as? [[String: Any]] ?? []
        #expect(lines.first?["quantity"] as? Int == 2, "\(victimCart.text)")

        // Reservations belong to order-service alone.
        let reservations = try await HTTP.send(.GET, products + "/v1/reservations?status=reserved", headers: attacker)
        #expect(reservations.status == 401 || reservations.status == 403)
    }
}
