import Foundation
import ShopTestSupport
import Testing

/// OWASP API5:2023, broken function level authorization: every admin route
/// refuses customers (403) and strangers (401), on `/v1` and `/api`; the
/// reservation routes take the service credential only, not even an admin's
/// token; the service credential is no admin either. Nothing changes.
@Suite("OWASP API5 broken function level authorization", .serialized)
struct API5BrokenFunctionLevelAuthorizationTests {
    @Test func adminAndServiceRoutesRefuseEveryoneElse() async throws {
        let owasp = try await OWASPShop.start()
        defer { owasp.stop() }
        let (users, orders, products) = (
            owasp.shop.users.baseURL, owasp.shop.orders.baseURL, owasp.shop.products.baseURL
        )
        let product = ["slug": "rogue", "name": "Rogue", "price_minor": 1, "stock": 5] as [String: Any]
        let reservation: [String: Any] = [
            "checkout_id": UUID().uuidString, "order_id": 99,
            "lines": [["product_id": owasp.productID, "quantity": 40]],
        ]
        let adminRoutes: [(HTTP.NIOHTTP1Method, String, [String: Any]?)] = [
            (.GET, users + "/v1/users", nil),
            (.PATCH, users + "/v1/users/\(owasp.attacker.userID)", ["is_admin": true]),
            (.GET, users + "/api/users", nil),
            (.POST, products + "/v1/products", product),
            (.PATCH, products + "/v1/products/owasp-mug", ["price_minor": 1, "stock_adjust": 1000]),
            (.DELETE, products + "/v1/products/owasp-mug", nil),
            (.PUT, products + "/v1/products/owasp-mug/image", nil),
            (.POST, products + "/api/product/create", ["name": "Rogue", "slug": "rogue-2", "price": 1]),
            (.GET, orders + "/v1/admin/orders", nil),
            (.GET, orders + "/api/orders", nil),
        ]
        let serviceRoutes: [(HTTP.NIOHTTP1Method, String, [String: Any]?)] = [
            (.POST, products + "/v1/reservations", reservation),
            (.GET, products + "/v1/reservations?status=reserved", nil),
            (.GET, products + "/v1/reservations/\(UUID().uuidString)", nil),
            (.DELETE, products + "/v1/reservations/\(UUID().uuidString)", nil),
        ]
        let customer = owasp.attacker.bearer
        let admin = ["Authorization": "Bearer \(try await owasp.shop.adminToken())"]
        let service = ["Authorization": "Bearer \(ShopCluster.serviceToken)"]
        for (method, url, body) in adminRoutes {
            #expect(try await HTTP.send(method, url, json: body).status == 401, "anonymous \(method) \(url)")
            #expect(
                try await HTTP.send(method, url, headers: customer, json: body).status == 403,
                "customer \(method) \(url)")
            let asService = try await HTTP.send(method, url, headers: service, json: body).status
            #expect(asService == 401 || asService == 403, "service credential \(method) \(url)")
        }
        for (method, url, body) in serviceRoutes {
            for (who, headers) in [("anonymous", [:]), ("customer", customer), ("admin", admin)] {
                let status = try await HTTP.send(method, url, headers: headers, json: body).status
                #expect(status == 401 || status == 403, "\(who) \(method) \(url): \(status)")
            }
        }
        // Withdrawn products stay hidden from customers who ask for them.
        let hidden = try await HTTP.send(.GET, products + "/v1/products?include_inactive=true", headers: customer)
        #expect(hidden.status == 403 || hidden.status == 200)

        // Nothing moved: the product, the customer's role, the catalogue.
        #expect(try await owasp.shop.stock("owasp-mug") == 49)
        let mug = try await HTTP.send(.GET, products + "/v1/products/owasp-mug")
        #expect(mug.json["price_minor"] as? Int == 1200)
        #expect(try await HTTP.send(.GET, products + "/v1/products/rogue").status == 404)
        let me = try await HTTP.send(.GET, users + "/v1/users/me", headers: customer)
        #expect(me.json["is_admin"] as? Bool == false)
    }
}
