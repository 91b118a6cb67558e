import Foundation
import ShopTestSupport
import Testing

/// OWASP API2:2023, broken authentication: forged, tampered, expired and
/// malformed tokens are refused by every service (product- and order-service
/// verify locally against user-service's keys), with `WWW-Authenticate`; a
/// password cannot be guessed faster than the throttle allows, whatever the
/// concurrency; credentials are never accepted in place of a token.
@Suite("OWASP API2 broken authentication", .serialized)
struct API2BrokenAuthenticationTests {
    @Test func forgedTokensAreRefusedByEveryService() async throws {
        // Access tokens live three seconds here, so a real one can be seen expire.
        let shop = try await ShopCluster(.sqlite, userSettings: ["TOKEN_TTL": "3"])
        defer { shop.stop() }
        let admin = try await shop.adminToken()
        let genuine = try await shop.register("attacker")
        let expiresAt = ContinuousClock.now + .seconds(3)
        var forged: [String: String] = [
            "alg none": Self.reheader(admin, alg: "none", signature: ""),
            "HS256 confusion": Self.reheader(admin, alg: "HS256", signature: "c2lnbmF0dXJl"),
            "admin role pasted into a customer token": Self.withPayload(of: admin, signatureOf: genuine),
            "signature cut": String(admin.dropLast(10)),
            "garbage": "not.a.jwt", "empty": "",
        ]
        let targets: [(String, HTTP.NIOHTTP1Method, String, [String: Any]?)] = [
            ("order-service cart", .GET, shop.orders.baseURL + "/v1/cart", nil),
            ("order-service admin list", .GET, shop.orders.baseURL + "/v1/admin/orders", nil),
            (
                "product-service create", .POST, shop.products.baseURL + "/v1/products",
                ["slug": "forged", "name": "F", "price_minor": 1, "stock": 1]
            ),
            ("user-service profile", .GET, shop.users.baseURL + "/v1/users/me", nil),
        ]
        try await Task.sleep(until: expiresAt + .milliseconds(1500))
        forged["expired"] = genuine
        for (name, token) in forged {
            for (target, method, url, body) in targets {
                let reply = try await HTTP.send(method, url, headers: ["Authorization": "Bearer \(token)"], json: body)
                #expect(reply.status == 401, "\(name) at \(target): \(reply.status)")
                #expect(reply.headers["www-authenticate"]?.hasPrefix("Bearer") == true, "\(name) at \(target)")
            }
        }
        // A username and password where a token belongs is no login.
        let basic = Data("admin:\(ShopCluster.adminPassword)".utf8).base64EncodedString()
        let reply = try await HTTP.send(
            .GET, shop.orders.baseURL + "/v1/admin/orders", headers: ["Authorization": "Basic \(basic)"])
        #expect(reply.status == 401)
    }

    /// 20 guesses at once against a limit of 3: at most 3 reach the password check.
    @Test func concurrentGuessesCannotOutrunTheThrottle() async throws {
        let owasp = try await OWASPShop.start(userSettings: ["LOGIN_MAX_FAILURES": "3"])
        defer { owasp.stop() }
        let url = owasp.shop.users.baseURL + "/v1/sessions"
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for guess in 0..<20 {
                group.addTask {
                    try await HTTP.send(.POST, url, json: ["username": "victim", "password": "guess-\(guess)-xyz"])
                        .status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 401 }.count <= 3, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count >= 17, "\(statuses)")
        // Even the right password waits out the window.
        let right = try await HTTP.send(.POST, url, json: ["username": "victim", "password": "password-123"])
        #expect(right.status == 429)
    }

    static func reheader(_ token: String, alg: String, signature: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let header = Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "\(header).\(parts[1]).\(signature)"
    }

    static func withPayload(of token: String, signatureOf other: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let otherParts = other.split(separator: ".", omittingEmptySubsequences: false)
        return "\(otherParts[0]).\(parts[1]).\(otherParts[2])"
    }
}
