import Foundation
import ShopTestSupport
import Testing

/// OWASP API8:2023, security misconfiguration: production mode refuses to
/// start without its secrets; pages carry the browser protections; errors show
/// no internals; nothing opens CORS to every origin.
@Suite("OWASP API8 security misconfiguration", .serialized)
struct API8SecurityMisconfigurationTests {
    /// Each service, started in production mode with nothing configured,
    /// exits non-zero naming what is missing instead of inventing it.
    @Test(arguments: [
        ("user-service", "signing.key"), ("product-service", "service.token"), ("order-service", "service.token"),
        ("frontend", "session.key"),
    ])
    func productionModeRefusesMissingSecrets(service: String, missing: String) async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("prod-\(UUID().uuidString)").path
        let process = try await ServiceProcess(
            service,
            environment: [
                "SHOP_MODE": "production", "DATA_DIR": dataDir, "DATABASE_URL": "sqlite://\(dataDir)/db.sqlite",
                "SECRETS_DIR": dataDir + "/no-secrets", "LOG_LEVEL": "info",
            ])
        defer { process.stop() }
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status != 0)
        #expect(process.output.contains(missing), "\(service): \(process.output.suffix(600))")
    }

    @Test func pagesAndErrorsGiveNothingAway() async throws {
        let owasp = try await OWASPShop.start(withFrontend: true)
        defer { owasp.stop() }
        let shop = owasp.shop
        let site = try #require(shop.frontend).baseURL

        let home = try await HTTP.send(.GET, site + "/login")
        let policy = try #require(home.headers["content-security-policy"])
        #expect(policy.contains("default-src 'self'"))
        #expect(policy.contains("frame-ancestors"))
        #expect(home.headers["x-content-type-options"] == "nosniff")
        let cookie = try #require(home.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))

        var responses: [(String, HTTP.Reply)] = []
        for base in [shop.users.baseURL, shop.products.baseURL, shop.orders.baseURL] {
            responses.append(("\(base) unknown", try await HTTP.send(.GET, base + "/v1/nothing-here")))
            responses.append(("\(base) wrong method", try await HTTP.send(.DELETE, base + "/health/live")))
            responses.append(
                (
                    "\(base) broken JSON",
                    try await HTTP.send(
                        .POST, base + "/v1/cart/items",
                        headers: owasp.attacker.bearer.merging(["Content-Type": "application/json"]) { $1 },
                        body: Data("{\"product_id\": [".utf8))
                ))
            responses.append(
                (
                    "\(base) hostile origin",
                    try await HTTP.send(.GET, base + "/health/live", headers: ["Origin": "https://evil.example"])
                ))
        }
        responses.append(("storefront unknown", try await HTTP.send(.GET, site + "/no/such/page")))
        responses.append(("storefront bad id", try await HTTP.send(.GET, site + "/orders/99999999999999999999999")))
        for (name, reply) in responses {
            #expect(reply.status < 500, "\(name): \(reply.status)")
            for leak in [".swift", "Fatal", "DecodingError", "PSQLError", "SQLite", "Stack", "0x"] {
                #expect(!reply.text.contains(leak), "\(name) shows \(leak): \(reply.text.prefix(300))")
            }
            #expect(reply.headers["access-control-allow-origin"] == nil, "\(name) opens CORS")
            #expect(reply.headers["x-powered-by"] == nil)
        }
    }
}
