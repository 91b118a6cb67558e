import Foundation
import ShopTestSupport
import Testing

/// What the OWASP API Security Top 10 suite shares: a shop with a product, a
/// customer who owns things (an order, a cart) and one who tries to reach them.
///
/// One suite per item of the Top 10 (2023) that applies, named after it; each
/// test attacks real processes over real HTTP.
struct OWASPShop {
    let shop: ShopCluster
    let productID: Int
    let victim: Customer
    let attacker: Customer
    /// The victim's placed order.
    let victimOrder: String

    struct Customer {
        let token: String
        let userID: Int
        var bearer: [String: String] { ["Authorization": "Bearer \(token)"] }
    }

    static func start(
        _ backend: TestBackend = .sqlite, userSettings: [String: String] = [:], orderSettings: [String: String] = [:],
        productSettings: [String: String] = [:], withFrontend: Bool = false
    ) async throws -> OWASPShop {
        let shop = try await ShopCluster(
            backend, orderSettings: orderSettings, productSettings: productSettings, withFrontend: withFrontend,
            userSettings: userSettings)
        do {
            let productID = try await shop.createProduct("owasp-mug", price: 1200, stock: 50)
            let victim = try await customer(shop, "victim")
            let attacker = try await customer(shop, "attacker")
            #expect(try await shop.addToCart(productID, 1, token: victim.token).status == 201)
            let placed = try await shop.checkout(token: victim.token)
            #expect(placed.status == 201, "\(placed.text)")
            let reference = "\(try #require(placed.json["id"] as? Int))"
            // The victim also has an open cart again.
            #expect(try await shop.addToCart(productID, 2, token: victim.token).status == 201)
            return OWASPShop(
                shop: shop, productID: productID, victim: victim, attacker: attacker, victimOrder: reference)
        } catch {
            shop.stop()
            throw error
        }
    }

    static func customer(_ shop: ShopCluster, _ username: String) async throws -> Customer {
        _ = try await shop.register(username)
        let session = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions", json: ["username": username, "password": "password-123"])
        return Customer(
            token: try #require(session.json["access_token"] as? String),
            userID: try #require((session.json["user"] as? [String: Any])?["id"] as? Int))
    }

    func stop() { shop.stop() }
}
