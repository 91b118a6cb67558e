import Foundation
import Hummingbird
import HummingbirdTesting
import ShopTestSupport
import Synchronization
import Testing

/// OWASP API7:2023, server side request forgery: no service fetches a URL a
/// user supplied. A canary server listens; its address is planted in every
/// text field, unknown URL-ish field, header and path the shop reads, through
/// the backends and the storefront; afterwards the canary has had no visitor.
@Suite("OWASP API7 server side request forgery", .serialized)
struct API7ServerSideRequestForgeryTests {
    final class Visits: Sendable {
        let count = Mutex(0)
    }

    struct CountingMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        let visits: Visits
        func handle(
            _ request: Request, context: Context, next: (Request, Context) async throws -> Response
        ) async throws -> Response {
            visits.count.withLock { $0 += 1 }
            return Response(status: .ok)
        }
    }

    @Test func plantedURLsAreNeverFetched() async throws {
        let visits = Visits()
        let router = Router()
        router.add(middleware: CountingMiddleware(visits: visits))
        try await Application(router: router).test(.live) { canaryClient in
            let canary = "http://127.0.0.1:\(try #require(canaryClient.port))"
            // The canary answers; planting starts only once that is proven.
            _ = try await HTTP.send(.GET, canary + "/probe")
            #expect(visits.count.withLock { $0 } == 1)
            visits.count.withLock { $0 = 0 }
            try await Self.plant(canary)
            try await Task.sleep(for: .milliseconds(500))
            #expect(visits.count.withLock { $0 } == 0, "a service fetched a planted URL")
        }
    }

    static func plant(_ canary: String) async throws {
        let owasp = try await OWASPShop.start(withFrontend: true)
        defer { owasp.stop() }
        let shop = owasp.shop
        let site = try #require(shop.frontend).baseURL
        let admin = ["Authorization": "Bearer \(try await shop.adminToken())"]
        let encoded = canary.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let forwarded = [
            "X-Forwarded-Host": String(canary.dropFirst(7)), "Forwarded": "host=\(canary.dropFirst(7))",
            "Referer": canary + "/from", "X-Original-URL": canary, "X-Rewrite-URL": canary,
        ]

        _ = try await HTTP.send(
            .POST, shop.products.baseURL + "/v1/products", headers: admin.merging(forwarded) { $1 },
            json: [
                "slug": "canary", "name": canary, "description": "See \(canary)/img.png", "price_minor": 100,
                "stock": 1, "image_url": canary + "/img.png", "url": canary, "callback_url": canary,
            ])
        _ = try await HTTP.send(
            .PATCH, shop.products.baseURL + "/v1/products/canary", headers: admin,
            json: ["description": canary, "image": canary + "/x.png"])
        _ = try await HTTP.send(
            .POST, shop.products.baseURL + "/api/product/create", headers: admin,
            form: [("name", "Canary 2"), ("slug", "canary-2"), ("price", "1"), ("image", canary + "/img.png")])
        _ = try await HTTP.send(
            .POST, shop.users.baseURL + "/v1/users", headers: forwarded,
            json: [
                "username": "canary", "email": "canary@example.com", "password": "password-123",
                "first_name": canary, "avatar_url": canary,
            ])
        _ = try await HTTP.send(
            .POST, shop.orders.baseURL + "/v1/cart/items", headers: owasp.attacker.bearer.merging(forwarded) { $1 },
            json: ["product_id": owasp.productID, "quantity": 1, "product_url": canary])
        _ = try await HTTP.send(
            .POST, shop.orders.baseURL + "/v1/orders",
            headers: owasp.attacker.bearer.merging(["Idempotency-Key": canary]) { $1 },
            json: ["callback_url": canary, "webhook": canary])
        // The storefront: the image proxy, the login redirect, headers on pages.
        for path in [
            "/images/\(encoded)", "/images/..%2F..%2F\(encoded)", "/images/canary", "/product/\(encoded)",
            "/login?next=\(encoded)", "/login?next=//\(canary.dropFirst(7))", "/search?q=\(encoded)",
        ] {
            _ = try await HTTP.send(.GET, site + path, headers: forwarded)
        }
        for url in [shop.products.baseURL + "/v1/products/canary", shop.products.baseURL + "/v1/products/canary/image"]
        {
            _ = try await HTTP.send(.GET, url, headers: forwarded)
        }
    }
}
