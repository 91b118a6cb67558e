import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

/// The storefront while backends really stop: the page says so and the rest
/// keeps working.
@Suite("Storefront with backends stopped", .serialized)
struct FrontendSystemTests {
    /// Prometheus reads the frontend's metrics on a port of their own; the
    /// public port has none (issue 9.9).
    @Test func metricsAreServedOnTheirOwnPortOnly() async throws {
        let metricsPort = try ServiceProcess.freePort()
        let shop = TestShop(settings: [.frontend: ["METRICS_PORT": "\(metricsPort)"]])
        let frontend = try await ServiceProcess("frontend", environment: shop.environment(for: .frontend))
        defer { frontend.stop() }
        try await frontend.waitUntilReady()
        _ = try await HTTP.send(.GET, frontend.baseURL + "/health/live")
        #expect(try await HTTP.send(.GET, frontend.baseURL + "/metrics").status == 404)
        let metrics = try await HTTP.send(.GET, "http://127.0.0.1:\(metricsPort)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("http_server_request_duration"))
    }

    @Test func pagesDegradeWhenServicesStop() async throws {
        let shop = try await ShopCluster(.sqlite, withFrontend: true, seedDemo: true)
        defer { shop.stop() }
        let site = try #require(shop.frontend).baseURL

        // Log in and fill a cart through the real pages.
        var cookie = try await Self.session(site: site, username: "stopper", shop: shop)
        var form = try await Self.get(site + "/product/classic-mug", cookie: &cookie)
        let added = try await HTTP.send(
            .POST, site + "/cart/add", headers: ["Cookie": cookie],
            form: [("product_id", "1"), ("quantity", "2"), ("slug", "classic-mug"), ("_csrf", Self.csrf(form))])
        #expect(added.status == 303)

        try await shop.killProductService()
        let home = try await HTTP.send(.GET, site + "/")
        #expect(home.status == 200)
        #expect(home.text.contains("The catalogue is unavailable right now"))
        form = try await Self.get(site + "/cart", cookie: &cookie)
        #expect(form.contains("Prices are unavailable right now"), "order-service answers without prices")
        #expect(form.contains(#"data-product="1""#))

        try await shop.restartProductService()
        shop.orders.signal(SIGKILL)
        _ = try await shop.orders.waitForExit()
        let browsing = try await HTTP.send(.GET, site + "/product/classic-mug", headers: ["Cookie": cookie])
        #expect(browsing.status == 200, "browsing works without order-service")
        let cart = try await Self.get(site + "/cart", cookie: &cookie)
        #expect(cart.contains("Your cart is unavailable right now"))
        #expect(!cart.contains("Fatal error") && !cart.contains("Error("), "no internals leak")
    }

    /// Registers through the form and returns the session cookie.
    static func session(site: String, username: String, shop: ShopCluster) async throws -> String {
        var cookie = ""
        let page = try await get(site + "/register", cookie: &cookie)
        let response = try await HTTP.send(
            .POST, site + "/register", headers: ["Cookie": cookie],
            form: [
                ("username", username), ("email", "\(username)@example.com"), ("password", "password-123"),
                ("_csrf", csrf(page)),
            ])
        #expect(response.status == 303, "\(response.text)")
        if let setCookie = response.headers["set-cookie"] { cookie = String(setCookie.prefix { $0 != ";" }) }
        return cookie
    }

    static func get(_ url: String, cookie: inout String) async throws -> String {
        let response = try await HTTP.send(.GET, url, headers: cookie.isEmpty ? [:] : ["Cookie": cookie])
        if let setCookie = response.headers["set-cookie"] { cookie = String(setCookie.prefix { $0 != ";" }) }
        return response.text
    }

    static func csrf(_ html: String) -> String {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
