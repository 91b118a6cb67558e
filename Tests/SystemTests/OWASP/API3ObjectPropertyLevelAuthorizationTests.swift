import Foundation
import ShopTestSupport
import Testing

/// OWASP API3:2023, broken object property level authorization (mass
/// assignment and excessive exposure): fields a caller may not set (`is_admin`,
/// `is_active`, `id`, `price`, `status`, `user_id`, totals) are ignored or
/// refused wherever a body is read, and no response carries a secret.
@Suite("OWASP API3 object property level authorization", .serialized)
struct API3ObjectPropertyLevelAuthorizationTests {
    @Test(arguments: TestBackend.available)
    func propertiesOnlyTheShopMaySetCannotBeSet(backend: TestBackend) async throws {
        let owasp = try await OWASPShop.start(backend)
        defer { owasp.stop() }
        let (users, orders, products) = (
            owasp.shop.users.baseURL, owasp.shop.orders.baseURL, owasp.shop.products.baseURL
        )

        // Registration cannot make an admin, pick an id or skip activation.
        let registered = try await HTTP.send(
            .POST, users + "/v1/users",
            json: [
                "username": "mallory", "email": "mallory@example.com", "password": "password-123", "is_admin": true,
                "roles": ["admin"], "id": 1, "is_active": true, "password_hash": "x",
            ])
        #expect(registered.status == 201 || registered.status == 422, "\(registered.text)")
        if registered.status == 201 {
            #expect(registered.json["is_admin"] as? Bool == false)
            #expect((registered.json["id"] as? Int) != 1)
            let token = try await owasp.shop.login("mallory", password: "password-123")
            let create = try await HTTP.send(
                .POST, products + "/v1/products", headers: ["Authorization": "Bearer \(token)"],
                json: ["slug": "mallory", "name": "M", "price_minor": 1, "stock": 1])
            #expect(create.status == 403)
        }
        let legacy = try await HTTP.send(
            .POST, users + "/api/user/create",
            form: [
                ("username", "trudy"), ("email", "trudy@example.com"), ("password", "password-123"),
                ("first_name", "T"), ("last_name", "R"), ("is_admin", "true"),
            ])
        #expect(legacy.status == 200 || legacy.status == 400, "\(legacy.text)")
        let legacyAdmin = (legacy.json["result"] as? [String: Any])?["is_admin"] as? Bool
        #expect(legacyAdmin != true)

        // A profile change cannot promote, rename or re-own the account.
        let attacker = owasp.attacker.bearer
        let patched = try await HTTP.send(
            .PATCH, users + "/v1/users/me", headers: attacker,
            json: ["is_admin": true, "username": "admin", "id": 1, "first_name": "Eve"])
        #expect(patched.status == 200 || patched.status == 422, "\(patched.text)")
        let me = try await HTTP.send(.GET, users + "/v1/users/me", headers: attacker)
        #expect(me.json["is_admin"] as? Bool == false)
        #expect(me.json["username"] as? String == "attacker")
        #expect(me.json["id"] as? Int == owasp.attacker.userID)

        // Cart and checkout take prices and owners from the shop, not the body.
        let added = try await HTTP.send(
            .POST, orders + "/v1/cart/items", headers: attacker,
            json: [
                "product_id": owasp.productID, "quantity": 1, "unit_price_minor": 1, "price_minor": 1,
                "user_id": owasp.victim.userID,
            ])
        #expect(added.status == 201, "\(added.text)")
        let placed = try await HTTP.send(
            .POST, orders + "/v1/orders",
            headers: attacker.merging(["Idempotency-Key": UUID().uuidString]) { $1 },
            json: ["status": "placed", "total_minor": 1, "user_id": owasp.victim.userID, "currency": "XTS"])
        #expect(placed.status == 201, "\(placed.text)")
        #expect(placed.json["total_minor"] as? Int == 1200)
        #expect(placed.json["user_id"] as? Int == owasp.attacker.userID)
        #expect(placed.json["currency"] as? String == "USD")
        let victimCart = try await HTTP.send(.GET, orders + "/v1/cart", headers: owasp.victim.bearer)
        #expect((victimCart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)

        // Responses never carry password hashes, refresh hashes or keys.
        let admin = try await owasp.shop.adminToken()
        let everyone = try await HTTP.send(
            .GET, users + "/v1/users?limit=100", headers: ["Authorization": "Bearer \(admin)"])
        let legacyList = try await HTTP.send(.GET, users + "/api/users", headers: ["Authorization": "Bearer \(admin)"])
        for body in [me.text, everyone.text, legacyList.text, registered.text] {
            // The original contract's `api_key` field stays, always null in lists.
            for secret in ["password", "hash", "$2b$", "\"api_key\":\"", "refresh"] {
                #expect(!body.contains(secret), "\(secret) in \(body.prefix(200))")
            }
        }
    }
}
