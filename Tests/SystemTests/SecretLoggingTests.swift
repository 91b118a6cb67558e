import Foundation
import ShopTestSupport
import Testing

/// No service writes a secret it handled to its log: passwords, access and
/// refresh tokens, session cookies, the service credential. Checked on a full
/// journey through all four services at `debug`, the most an operator turns on.
@Suite("Secrets never logged")
struct SecretLoggingTests {
    @Test func aFullJourneyLeavesNoSecretInAnyLog() async throws {
        let shop = try await ShopCluster(.sqlite, withFrontend: true, logLevel: "debug")
        defer { shop.stop() }
        let frontend = try #require(shop.frontend)
        let password = "s3cret-Journey-pass"
        var secrets = [password, ShopCluster.adminPassword, ShopCluster.serviceToken]

        // API: register, log in, refresh, buy, log out.
        let created = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/users",
            json: ["username": "ivy", "email": "ivy@example.com", "password": password])
        #expect(created.status == 201)
        let session = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions", json: ["username": "ivy", "password": password])
        let refresh = try #require(session.json["refresh_token"] as? String)
        let renewed = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions/refresh", json: ["refresh_token": refresh])
        let token = try #require(renewed.json["access_token"] as? String, "\(renewed.text)")
        secrets += [refresh, try #require(session.json["access_token"] as? String), token]
        secrets += [try #require(renewed.json["refresh_token"] as? String)]
        let legacy = try await HTTP.send(
            .POST, shop.users.baseURL + "/api/user/login", form: [("username", "ivy"), ("password", password)])
        if let apiKey = legacy.json["api_key"] as? String { secrets.append(apiKey) }
        let pen = try await shop.createProduct("pen", stock: 5)
        #expect(try await shop.addToCart(pen, 1, token: token).status == 201)
        #expect(try await shop.checkout(token: token).status == 201)
        _ = try await HTTP.send(
            .DELETE, shop.users.baseURL + "/v1/sessions/current", headers: ["Authorization": "Bearer \(token)"])
        // A wrong password and a forged token are logged as failures, not echoed.
        let wrong = "Wrong-pass-\(UUID().uuidString.prefix(8))"
        _ = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/sessions", json: ["username": "ivy", "password": wrong])
        secrets.append(wrong)

        // Frontend: sign in through the form; the session cookie carries the tokens.
        let loginPage = try await HTTP.send(.GET, frontend.baseURL + "/login")
        var cookie = try #require(Self.sessionCookie(loginPage))
        let csrf = try #require(Self.csrf(in: loginPage.text))
        let signedIn = try await HTTP.send(
            .POST, frontend.baseURL + "/login", headers: ["Cookie": cookie],
            form: [("username", "ivy"), ("password", password), ("_csrf", csrf)])
        #expect(signedIn.status == 303 || signedIn.status == 302, "\(signedIn.status) \(signedIn.text.prefix(200))")
        cookie = Self.sessionCookie(signedIn) ?? cookie
        secrets.append(String(cookie.dropFirst("microshop_session=".count)))
        #expect((try await HTTP.send(.GET, frontend.baseURL + "/orders", headers: ["Cookie": cookie])).status == 200)

        for service in [shop.users, shop.products, shop.orders, frontend] {
            let log = service.output
            #expect(log.count > 1000, "\(service.name) logged at debug")
            for secret in secrets where log.contains(secret) {
                Issue.record("\(service.name) logged a secret (\(secret.prefix(6))…)")
            }
        }
    }

    static func sessionCookie(_ reply: HTTP.Reply) -> String? {
        reply.headers["set-cookie"].flatMap { $0.split(separator: ";").first.map(String.init) }
            .flatMap { $0.hasPrefix("microshop_session=") ? $0 : nil }
    }

    static func csrf(in page: String) -> String? {
        guard let start = page.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(page[start.upperBound...].prefix { $0 != "\"" })
    }
}
