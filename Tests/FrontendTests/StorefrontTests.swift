import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopPlatform
import ShopTestSupport
import Testing

@testable import Frontend

@Suite("Storefront pages", .serialized)
struct StorefrontTests {
    @Test func catalogueSearchPaginationAndProductPage() async throws {
        try await FrontendHarness.run { browser, _ in
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.headers[.contentType] == "text/html; charset=utf-8")
            #expect(home.text.contains("Classic Mug"))
            #expect(home.text.contains("$12.00"))
            #expect(home.text.contains("In stock"))
            #expect(!home.text.contains(#"id="next-page""#), "12 demo products fit on one page")
            #expect(home.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(!home.text.contains("http://") || !home.text.contains("cdn"), "no external assets")

            let search = try await browser.get("/?q=mug")
            #expect(search.text.contains("Classic Mug"))
            #expect(!search.text.contains("Canvas Tote"))
            #expect(search.text.contains("Results for “mug”"))
            let nothing = try await browser.get("/?q=zzzz")
            #expect(nothing.text.contains("No products match"))

            let product = try await browser.get("/product/classic-mug")
            #expect(product.status == .ok)
            #expect(product.text.contains("Add to cart"))
            #expect(product.text.contains(#"<img src="/images/classic-mug?v="#))

            let missing = try await browser.get("/product/no-such-thing")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("Page not found"))
            #expect(try await browser.get("/nowhere").status == .notFound)

            // A 13th product makes a second page.
            let admin = Browser(client: browser.client)
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            try await admin.get("/admin/products/new")
            try await admin.post(
                "/admin/products",
                [("name", "Zebra Socks"), ("slug", "zebra-socks"), ("price", "9.00"), ("stock", "3"), ("active", "on")])
            let first = try await browser.get("/")
            #expect(!first.text.contains("Zebra Socks"))
            let next = try #require(CartPageTests.link("next-page", in: first.text))
            let second = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.text.contains("Zebra Socks"))
            #expect(second.text.contains("First page"))

            let css = try await browser.get("/static/shop.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test func imagesAreProxiedWithCaching() async throws {
        try await FrontendHarness.run { browser, _ in
            // The page names the picture's version: cached until it is replaced.
            let page = try await browser.get("/product/classic-mug").text
            let src = try #require(page.firstMatch(of: #/<img src="(/images/classic-mug\?v=[0-9a-f]+)"/#)?.output.1)
            let anonymous = Browser(client: browser.client)
            let image = try await anonymous.get(String(src))
            #expect(image.status == .ok)
            // Shared caches may keep it for everyone: it must not carry a visitor's session.
            #expect(image.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(image.headers[.setCookie] == nil)
            #expect(image.headers[.contentType] == "image/png")
            #expect(Data(buffer: image.body).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            let etag = try #require(image.headers[.eTag])
            #expect(try await browser.get("/images/classic-mug").headers[.cacheControl] == "public, no-cache")
            let again = try await browser.get("/images/classic-mug", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(try await browser.get("/images/nope").status == .notFound)
        }
    }

    @Test func registerLoginLogoutWithFieldErrors() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.get("/register")
            let bad = try await browser.post(
                "/register", [("username", "x"), ("email", "not-an-email"), ("password", "short")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains(#"id="username-error""#))
            #expect(bad.text.contains(#"id="email-error""#))
            #expect(bad.text.contains(#"id="password-error""#))
            #expect(bad.text.contains(#"value="not-an-email""#), "values are kept")

            try await browser.register("carla")
            let home = try await browser.get("/")
            #expect(home.text.contains("Log out carla"))
            #expect(home.text.contains("Welcome to Microshop, carla!"))

            #expect(try await browser.post("/logout").status == .seeOther)
            #expect(try await browser.get("/").text.contains("Log in"))

            try await browser.get("/login")
            let wrong = try await browser.post("/login", [("username", "carla"), ("password", "wrong-password")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Wrong username or password"))
            try await browser.logIn("carla", "password-123")
            #expect(try await browser.get("/").text.contains("Log out carla"))
        }
    }

    @Test func loginRedirectsBackButNeverOffSite() {
        #expect(AccountRoutes.safeNext("/cart") == "/cart")
        #expect(AccountRoutes.safeNext("//evil.example") == nil)
        #expect(AccountRoutes.safeNext("https://evil.example") == nil)
        #expect(AccountRoutes.safeNext("/\\evil") == nil)
    }
}

@Suite("Cart and checkout pages", .serialized)
struct CartPageTests {
    @Test func addChangeRemoveCheckoutAndCancel() async throws {
        try await FrontendHarness.run { browser, _ in
            // Anonymous visitors are sent to log in first.
            try await browser.get("/product/classic-mug")
            let anonymous = try await browser.post(
                "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")])
            #expect(anonymous.headers[.location]?.hasPrefix("/login") == true)

            try await browser.register("dan")
            try await browser.get("/product/classic-mug")
            let added = try await browser.post(
                "/cart/add", [("product_id", "1"), ("quantity", "2"), ("slug", "classic-mug")])
            #expect(added.headers[.location] == "/cart")
            try await browser.post("/cart/add", [("product_id", "3"), ("quantity", "1"), ("slug", "canvas-tote")])

            var cart = try await browser.get("/cart")
            #expect(cart.text.contains("Classic Mug"))
            #expect(cart.text.contains("$24.00"))
            #expect(cart.text.contains(#"<span class="badge" id="cart-count">3</span>"#))
            #expect(cart.text.contains(#"id="subtotal">$42.00"#))

            try await browser.post("/cart/items/1", [("quantity", "3")])
            cart = try await browser.get("/cart")
            #expect(cart.text.contains("$36.00"))
            try await browser.post("/cart/items/3/remove")
            cart = try await browser.get("/cart")
            #expect(!cart.text.contains("Canvas Tote"))
            // Removing it again (a double click, or a retried request that had
            // already been applied) leaves the cart as asked: no error.
            try await browser.post("/cart/items/3/remove")
            cart = try await browser.get("/cart")
            #expect(cart.text.contains("Removed from your cart."), "\(cart.text)")

            // GET /checkout only shows a summary; it never places an order.
            let summary = try await browser.get("/checkout")
            #expect(summary.text.contains("Place order"))
            let orders = try await browser.get("/orders")
            #expect(orders.text.contains("You have no orders yet"))

            try await browser.get("/checkout")
            let key = try #require(Self.field("idempotency_key", in: try await browser.get("/checkout").text))
            let placed = try await browser.post("/checkout", [("idempotency_key", key)])
            let location = try #require(placed.headers[.location])
            #expect(location.hasPrefix("/order/MS-") && location.hasSuffix("/thank-you"))
            // A double submit of the same form does not place twice.
            let double = try await browser.post("/checkout", [("idempotency_key", key)])
            #expect(double.headers[.location] == location)

            let thanks = try await browser.get(location)
            let number = String(location.dropFirst("/order/".count).dropLast("/thank-you".count))
            #expect(thanks.text.contains(#"<strong id="order-number">\#(number)</strong>"#))
            #expect(thanks.text.contains("$36.00"))
            let list = try await browser.get("/orders")
            #expect(list.text.contains(number))

            try await browser.get("/orders/\(number)")
            let cancelled = try await browser.post("/orders/\(number)/cancel")
            #expect(cancelled.headers[.location] == "/orders/\(number)")
            #expect(try await browser.get("/orders/\(number)").text.contains(#"id="order-status">cancelled"#))
            #expect(try await browser.get("/order/thank-you").text.contains("Thank you for your order"))
        }
    }

    @Test func shortStockGoesBackToTheCartNamingTheItem() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.register("eve")
            try await browser.get("/product/desk-lamp")
            try await browser.post("/cart/add", [("product_id", "6"), ("quantity", "8"), ("slug", "desk-lamp")])
            let key = try #require(Self.field("idempotency_key", in: try await browser.get("/checkout").text))

            // Meanwhile an admin (another browser) cuts the stock.
            let admin = Browser(client: browser.client)
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let form = try await admin.get("/admin/products/desk-lamp").text
            let stock = try #require(AdminStaleFormTests.stock(in: form))
            let saved = try await admin.post(
                "/admin/products/desk-lamp",
                [
                    ("name", "Desk Lamp"), ("description", "Lamp"), ("price", "54.00"), ("active", "on"),
                    ("stock_adjust", String(2 - stock)), ("version", try AdminStaleFormTests.version(in: form)),
                    ("currency", "USD"),
                ])
            #expect(saved.status == .seeOther)

            let refused = try await browser.post("/checkout", [("idempotency_key", key)])
            #expect(refused.headers[.location] == "/cart")
            let cart = try await browser.get("/cart")
            #expect(cart.text.contains("short of stock"))
            #expect(cart.text.contains("Desk Lamp"))
            #expect(cart.text.contains("Only 2 left"))
        }
    }

    /// The summary's total is what the customer agrees to: when an admin
    /// reprices meanwhile, no order is placed at the new price; the summary
    /// comes back showing it, and placing from there works.
    @Test func aPriceChangedAfterTheSummaryIsShownBeforeAnyOrder() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.register("finn")
            try await browser.get("/product/desk-lamp")
            try await browser.post("/cart/add", [("product_id", "6"), ("quantity", "2"), ("slug", "desk-lamp")])
            let summary = try await browser.get("/checkout").text
            #expect(Self.field("expected_total_minor", in: summary) == "10800", "2 × $54.00")

            let admin = Browser(client: browser.client)
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let form = try await admin.get("/admin/products/desk-lamp").text
            let saved = try await admin.post(
                "/admin/products/desk-lamp", try AdminStaleFormTests.submission(of: form, ["price": "60.00"]))
            #expect(saved.status == .seeOther)

            let refused = try await browser.post("/checkout", try Self.checkoutForm(summary))
            #expect(refused.headers[.location] == "/checkout", "\(refused.status)")
            let again = try await browser.get("/checkout").text
            #expect(again.contains("a price (or your cart, in another tab) changed since"), "\(again)")
            #expect(again.contains("$120.00") && again.contains("$108.00"))
            #expect(Self.field("expected_total_minor", in: again) == "12000", "the summary shows the new total")
            let placed = try await browser.post("/checkout", try Self.checkoutForm(again))
            #expect(placed.headers[.location]?.hasSuffix("/thank-you") == true, "\(placed.status)")
        }
    }

    /// A line repriced in another currency since it was added shows its own
    /// currency and why it cannot be checked out, never its price in the cart's.
    @Test func aLineRepricedInAnotherCurrencyShowsItsOwn() async throws {
        try await FrontendHarness.run { browser, harness in
            try await browser.register("gia")
            try await browser.get("/product/classic-mug")
            try await browser.post("/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")])
            try await browser.get("/product/desk-lamp")
            try await browser.post("/cart/add", [("product_id", "6"), ("quantity", "1"), ("slug", "desk-lamp")])

            // The admin pages price in the shop's currency; the API may reprice in another.
            let token = try await harness.accessToken(
                username: FrontendHarness.adminUsername, password: FrontendHarness.adminPassword)
            let products = ServiceClient(baseURL: try #require(harness.urls["product"]), target: "product-service")
            let repriced = try await products.send(
                .patch, "/v1/products/desk-lamp", body: Data(#"{"currency": "EUR"}"#.utf8),
                headers: [.authorization: "Bearer \(token)"], idempotent: false)
            #expect(repriced.status == .ok)

            let cart = try await browser.get("/cart").text
            #expect(cart.contains("€54.00"), "\(cart)")
            #expect(!cart.contains("$54.00"))
            #expect(cart.contains("Priced in EUR now"))
            #expect(!cart.contains("id=\"go-to-checkout\""), "no checkout with a line in another currency")
        }
    }

    /// What the summary page's form posts.
    static func checkoutForm(_ html: String) throws -> [(String, String)] {
        try ["idempotency_key", "expected_total_minor", "currency"].map { ($0, try #require(field($0, in: html))) }
    }

    /// The href of the link with this id (HTML-escaped as rendered).
    static func link(_ id: String, in html: String) -> String? {
        guard let idRange = html.range(of: #"id="\#(id)""#) else { return nil }
        let before = html[..<idRange.lowerBound]
        guard let hrefRange = before.range(of: #"href=""#, options: .backwards) else { return nil }
        return String(before[hrefRange.upperBound...].prefix { $0 != "\"" })
            .replacingOccurrences(of: "&#x2F;", with: "/").replacingOccurrences(of: "&#x3D;", with: "=")
            .replacingOccurrences(of: "&#61;", with: "=").replacingOccurrences(of: "&#47;", with: "/")
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
