import Foundation
import ShopTestSupport
import Testing

/// Issue 9.6: a logged-out, deactivated or demoted identity is refused by every
/// service within seconds, not when its token expires (15 min; 8 h for `/api`).
/// The services poll user-service's revocations every 250 ms here; each check
/// allows 5 s, far inside a token's life, so only propagation can pass it.
@Suite("Revocation across processes", .serialized)
struct RevocationSystemTests {
    static let poll = ["REVOCATION_POLL_MS": "250"]

    @Test(arguments: TestBackend.available)
    func endedSessionsAreRefusedEverywhereWithinSeconds(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend, orderSettings: Self.poll, productSettings: Self.poll)
        defer { shop.stop() }
        let cart = shop.orders.baseURL + "/v1/cart"

        // The original contract's logout ends the 8-hour api_key everywhere.
        _ = try await shop.register("ann")
        let legacy = try await HTTP.send(
            .POST, shop.users.baseURL + "/api/user/login", form: [("username", "ann"), ("password", "password-123")])
        let apiKey = try #require(legacy.json["api_key"] as? String)
        #expect(try await HTTP.send(.GET, cart, headers: ["Authorization": "Basic \(apiKey)"]).status == 200)
        let loggedOut = try await HTTP.send(
            .POST, shop.users.baseURL + "/api/user/logout", headers: ["Authorization": "Basic \(apiKey)"])
        #expect(loggedOut.status == 200)
        #expect(try await Self.refusedSoon(.GET, cart, token: apiKey))

        // Deactivation by an admin.
        let bob = try await Self.session(shop, "bob")
        #expect(try await HTTP.send(.GET, cart, headers: bob.bearer).status == 200)
        try await Self.administer(shop, user: bob.userID, ["is_active": false])
        #expect(try await Self.refusedSoon(.GET, cart, token: bob.access))

        // Demotion: the former admin's token no longer writes the catalogue.
        let carol = try await Self.session(shop, "carol")
        try await Self.administer(shop, user: carol.userID, ["is_admin": true])
        let carolAdmin = try await Self.session(shop, "carol", register: false)
        let create = shop.products.baseURL + "/v1/products"
        let made = try await HTTP.send(
            .POST, create, headers: carolAdmin.bearer,
            json: ["slug": "carol-mug", "name": "Mug", "price_minor": 500, "stock": 1])
        #expect(made.status == 201, "\(made.text)")
        try await Self.administer(shop, user: carol.userID, ["is_admin": false])
        #expect(
            try await Self.refusedSoon(
                .POST, create, token: carolAdmin.access,
                json: ["slug": "carol-cup", "name": "Cup", "price_minor": 500, "stock": 1]))

        // A password change ends every other session of the account, and only those.
        let here = try await Self.session(shop, "dave")
        let elsewhere = try await Self.session(shop, "dave", register: false)
        let changed = try await HTTP.send(
            .PATCH, shop.users.baseURL + "/v1/users/me", headers: here.bearer,
            json: ["password": "another-password-9", "current_password": "password-123"])
        #expect(changed.status == 200, "\(changed.text)")
        #expect(try await Self.refusedSoon(.GET, cart, token: elsewhere.access))
        #expect(try await Self.refresh(shop, elsewhere.refresh).status == 401)
        #expect(try await HTTP.send(.GET, cart, headers: here.bearer).status == 200)
        #expect(try await Self.refresh(shop, here.refresh).status == 200)

        // Revoking by refresh token alone (a client whose access token expired).
        let erin = try await Self.session(shop, "erin")
        let revoked = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions/revoke", json: ["refresh_token": erin.refresh])
        #expect(revoked.status == 204, "\(revoked.text)")
        #expect(try await Self.refresh(shop, erin.refresh).status == 401)
        #expect(try await Self.refusedSoon(.GET, cart, token: erin.access))
    }

    struct Session {
        let access: String
        let refresh: String
        let userID: Int
        var bearer: [String: String] { ["Authorization": "Bearer \(access)"] }
    }

    static func session(_ shop: ShopCluster, _ username: String, register: Bool = true) async throws -> Session {
        if register { _ = try await shop.register(username) }
        let reply = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions", json: ["username": username, "password": "password-123"])
        return Session(
            access: try #require(reply.json["access_token"] as? String, "\(reply.text)"),
            refresh: try #require(reply.json["refresh_token"] as? String),
            userID: try #require((reply.json["user"] as? [String: Any])?["id"] as? Int))
    }

    static func administer(_ shop: ShopCluster, user: Int, _ change: [String: Any]) async throws {
        let reply = try await HTTP.send(
            .PATCH, shop.users.baseURL + "/v1/users/\(user)",
            headers: ["Authorization": "Bearer \(try await shop.adminToken())"], json: change)
        #expect(reply.status == 200, "\(reply.text)")
    }

    static func refresh(_ shop: ShopCluster, _ token: String) async throws -> HTTP.Reply {
        try await HTTP.send(.POST, shop.users.baseURL + "/v1/sessions/refresh", json: ["refresh_token": token])
    }

    /// Whether `token` is refused (401 or 403) within 5 seconds.
    static func refusedSoon(
        _ method: HTTP.NIOHTTP1Method, _ url: String, token: String, json: [String: Any]? = nil
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let status = try await HTTP.send(method, url, headers: ["Authorization": "Bearer \(token)"], json: json)
                .status
            if status == 401 || status == 403 { return true }
            #expect(status < 500)
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
