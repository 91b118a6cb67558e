import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopPlatform
import ShopTestSupport
import Testing

@testable import Frontend

@Suite("Sessions, CSRF and the admin area", .serialized)
struct SecurityAndAdminTests {
    @Test func formsWithoutTheRightCSRFTokenChangeNothing() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.register("fay")
            try await browser.get("/product/classic-mug")
            let missing = try await browser.post(
                "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")], withCSRF: false)
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("This form has expired"))
            let forged = try await browser.post(
                "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")], csrf: "forged-token")
            #expect(forged.status == .forbidden)
            let logout = try await browser.post("/logout", csrf: "nope")
            #expect(logout.status == .forbidden)
            let cart = try await browser.get("/cart")
            #expect(cart.text.contains("Your cart is empty"))
            #expect(cart.text.contains("Log out fay"), "the forged logout did nothing")
        }
    }

    /// Logging out ends the session at user-service even when the access token
    /// held by the cookie has expired: by its refresh token (issue 9.6).
    @Test func loggingOutWithAnExpiredAccessTokenStillEndsTheSession() async throws {
        try await FrontendHarness.run(userSettings: ["TOKEN_TTL": "1"]) { browser, harness in
            try await browser.register("ivy")
            try await browser.get("/product/classic-mug")
            try await Task.sleep(for: .milliseconds(1500))
            let logout = try await browser.post("/logout")
            #expect(logout.status == .found || logout.status == .seeOther, "\(logout.status)")
            #expect(try await browser.get("/").text.contains("You are logged out."))
            let users = ServiceClient(baseURL: try #require(harness.urls["user"]), target: "user-service")
            let feed = try await users.getJSON("/v1/revocations?since=0", as: RevocationFeed.self)
            #expect(feed.sessions.count == 1)
        }
    }

    /// Signing in again over a live session ends the old one at user-service:
    /// the browser forgets its tokens, and so must the shop (a copy of the old
    /// cookie stops working).
    @Test func signingInAgainEndsTheSessionItReplaces() async throws {
        try await FrontendHarness.run { browser, harness in
            try await browser.register("ola")
            try await browser.get("/login")
            let again = try await browser.post("/login", [("username", "ola"), ("password", "password-123")])
            #expect(again.status == .seeOther || again.status == .found, "\(again.status)")
            let users = ServiceClient(baseURL: try #require(harness.urls["user"]), target: "user-service")
            let feed = try await users.getJSON("/v1/revocations?since=0", as: RevocationFeed.self)
            #expect(feed.sessions.count == 1, "the replaced session was revoked")
            #expect(try await browser.get("/cart").text.contains("Log out ola"), "the new one works")
        }
    }

    /// A logout user-service did not record is not reported as done: this
    /// browser forgets the session, and the customer is told it may live on.
    @Test func aLogoutUserServiceDidNotRecordSaysSo() async throws {
        try await FrontendHarness.run(settings: ["FAULTS": "call POST /v1/sessions/revoke error=503"]) {
            browser, harness in
            try await browser.register("uma")
            try await browser.get("/product/classic-mug")
            let logout = try await browser.post("/logout")
            #expect(logout.status == .found || logout.status == .seeOther, "\(logout.status)")
            let home = try await browser.get("/")
            #expect(home.text.contains("we could not end your session"), "\(home.text)")
            #expect(!home.text.contains("You are logged out."))
            #expect(!home.text.contains("Log out uma"), "this browser is logged out")
            let users = ServiceClient(baseURL: try #require(harness.urls["user"]), target: "user-service")
            let feed = try await users.getJSON("/v1/revocations?since=0", as: RevocationFeed.self)
            #expect(feed.sessions.isEmpty, "the session was not revoked at user-service")
        }
    }

    /// The public listener has no `/metrics` (it is served on `metrics.port`
    /// only), and a wrong method on a page is 405 (issue 9.9).
    @Test func metricsAreNotPublicAndWrongMethodsAre405() async throws {
        try await FrontendHarness.run { browser, _ in
            #expect(try await browser.get("/metrics").status == .notFound)
            try await browser.get("/product/classic-mug")
            let wrong = try await browser.post("/product/classic-mug")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET, HEAD")
            // Without a form token it is refused before routing, as every unsafe request is.
            #expect(try await browser.client.execute(uri: "/cart", method: .delete).status == .forbidden)
        }
    }

    /// The CSRF token is rotated at sign-in: one learnt or planted before (a
    /// shared computer, a fixated session) does not work after.
    @Test func signingInRotatesTheCSRFToken() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.register("hal")
            _ = try await browser.post("/logout")
            try await browser.get("/login")
            let before = try #require(browser.csrf)
            _ = try await browser.post("/login", [("username", "hal"), ("password", "password-123")])
            try await browser.get("/product/classic-mug")
            let after = try #require(browser.csrf)
            #expect(after != before)
            let stale = try await browser.post(
                "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")], csrf: before)
            #expect(stale.status == .forbidden)
            let fresh = try await browser.post(
                "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")], csrf: after)
            #expect(fresh.status == .seeOther || fresh.status == .found, "\(fresh.status)")
        }
    }

    /// A new visitor's first page sets the cookie, so product pages opened from
    /// it in several tabs at once share one CSRF token, and each tab's form works.
    @Test func tabsOpenedFromTheFirstPageShareOneToken() async throws {
        try await FrontendHarness.run { browser, _ in
            #expect(try await browser.get("/").headers[.setCookie] != nil)
            let cookie = try #require(browser.sessionCookie)
            let tabs = try await withThrowingTaskGroup(of: String?.self) { group in
                for slug in ["classic-mug", "canvas-tote", "fountain-pen"] {
                    group.addTask {
                        let tab = Browser(client: browser.client)
                        tab.setCookie(cookie)
                        _ = try await tab.get("/product/\(slug)")
                        return tab.csrf
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(Set(tabs).count == 1 && tabs.allSatisfy { $0 != nil }, "\(tabs)")
            for token in Set(tabs.compactMap { $0 }) {
                let added = try await browser.post(
                    "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")], csrf: token)
                #expect(added.status == .seeOther || added.status == .found, "\(added.status)")
            }
        }
    }

    @Test func theSessionCookieIsSealedHttpOnlyAndSameSite() async throws {
        try await FrontendHarness.run { browser, harness in
            let first = try await browser.get("/")
            let header = try #require(first.headers[.setCookie])
            #expect(header.contains("HttpOnly"))
            #expect(header.contains("SameSite=Lax"))
            #expect(!header.contains("Secure"), "plain http locally")
            try await browser.register("gus")
            let cookie = try #require(browser.sessionCookie)
            #expect(!cookie.contains("gus"), "the cookie is encrypted")

            // Tampering with one byte yields an anonymous session, not an error.
            var bytes = Array(cookie.utf8)
            bytes[20] = bytes[20] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            browser.setCookie(String(decoding: bytes, as: UTF8.self))
            let tampered = try await browser.get("/")
            #expect(tampered.status == .ok)
            #expect(tampered.text.contains("Log in"))

            // Behind TLS the cookie is Secure.
            browser.setCookie(nil)
            let viaTLS = try await browser.get("/", headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(viaTLS.headers[.setCookie]?.contains("Secure") == true)
            _ = harness
        }
    }

    @Test func anotherReplicaWithTheSameKeyServesTheSameCustomer() async throws {
        try await FrontendHarness.run { browser, harness in
            try await browser.register("hal")
            let cookie = try #require(browser.sessionCookie)
            let replica = try await buildFrontend(reader: .shop(arguments: ["t"], environment: harness.environment))
            try await replica.test(.router) { client in
                let page = try await client.execute(
                    uri: "/", method: .get, headers: [.cookie: "\(SessionCookie.name)=\(cookie)"])
                #expect(page.text.contains("Log out hal"))
            }
            var otherKey = harness.environment
            otherKey["SESSION_KEY"] = Data(repeating: 9, count: 32).base64EncodedString()
            let stranger = try await buildFrontend(reader: .shop(arguments: ["t"], environment: otherKey))
            try await stranger.test(.router) { client in
                let page = try await client.execute(
                    uri: "/", method: .get, headers: [.cookie: "\(SessionCookie.name)=\(cookie)"])
                #expect(page.text.contains("Log in"), "a different key cannot read the session")
            }
        }
    }

    @Test func adminAreaIsForAdminsAndManagesProducts() async throws {
        try await FrontendHarness.run { browser, _ in
            #expect(try await browser.get("/admin").headers[.location]?.hasPrefix("/login") == true)
            try await browser.register("ivy")
            let forbidden = try await browser.get("/admin")
            #expect(forbidden.status == .forbidden)
            #expect(try await browser.get("/admin/orders").status == .forbidden)

            try await browser.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let admin = try await browser.get("/admin")
            #expect(admin.status == .ok)
            #expect(admin.text.contains("Classic Mug"))

            try await browser.get("/admin/products/new")
            let invalid = try await browser.post(
                "/admin/products",
                [("name", "Bad"), ("slug", "Bad Slug"), ("price", "1.00"), ("stock", "1"), ("active", "on")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("field-error"))
            let created = try await browser.post(
                "/admin/products",
                [
                    ("name", "Enamel Pin"), ("slug", "enamel-pin"), ("description", "Shiny"), ("price", "7.50"),
                    ("stock", "9"), ("active", "on"),
                ])
            #expect(created.headers[.location] == "/admin/products/enamel-pin")
            try await browser.get("/admin/products/enamel-pin")

            // A browser file upload (multipart), checked by product-service from the bytes.
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 1, count: 64)
            let upload = try await Self.upload(
                browser, "/admin/products/enamel-pin/image", png, csrf: try #require(browser.csrf))
            #expect(upload.headers[.location] == "/admin/products/enamel-pin")
            #expect(try await browser.get("/admin/products/enamel-pin").text.contains("Picture uploaded"))
            let home = try await browser.get("/?q=enamel")
            #expect(home.text.contains(#"<img src="/images/enamel-pin?v="#))
            #expect(home.text.contains("$7.50"))

            let bogus = try await Self.upload(
                browser, "/admin/products/enamel-pin/image", Data("not an image".utf8), csrf: try #require(browser.csrf)
            )
            #expect(bogus.headers[.location] == "/admin/products/enamel-pin")
            #expect(try await browser.get("/admin/products/enamel-pin").text.contains("Only PNG, JPEG and WebP"))

            let orders = try await browser.get("/admin/orders?status=placed")
            #expect(orders.status == .ok)
            #expect(orders.text.contains("<option value=\"placed\" selected>"))
        }
    }

    static func upload(_ browser: Browser, _ uri: String, _ bytes: Data, csrf: String) async throws -> TestResponse {
        let boundary = "----microshop\(UInt32.random(in: 0...UInt32.max))"
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n".utf8))
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"pin.png\"\r\nContent-Type: image/png\r\n\r\n"
                    .utf8))
        body.append(bytes)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await browser.send(
            uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(bytes: body))
    }
}

@Suite("When a backend is down", .serialized)
struct BackendDownTests {
    @Test func catalogueDownStillShowsTheCart() async throws {
        try await FrontendHarness.run { browser, harness in
            try await browser.register("joe")
            try await browser.get("/product/classic-mug")
            try await browser.post("/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")])
            let cookie = browser.sessionCookie
            var environment = harness.environment
            environment["PRODUCT_SERVICE_URL"] = "http://127.0.0.1:9"
            let degraded = try await buildFrontend(reader: .shop(arguments: ["t"], environment: environment))
            try await degraded.test(.router) { client in
                let other = Browser(client: client)
                other.setCookie(cookie)
                let home = try await other.get("/")
                #expect(home.status == .ok)
                #expect(home.text.contains("The catalogue is unavailable right now"))
                // The cart page comes from order-service and still renders.
                let cart = try await other.get("/cart")
                #expect(cart.status == .ok)
                #expect(cart.text.contains(#"data-product="1""#))
                #expect(try await other.get("/product/classic-mug").status == .serviceUnavailable)
            }
        }
    }

    @Test func userServiceDownStillLetsPeopleBrowse() async throws {
        try await FrontendHarness.run { _, harness in
            var environment = harness.environment
            environment["USER_SERVICE_URL"] = "http://127.0.0.1:9"
            let degraded = try await buildFrontend(reader: .shop(arguments: ["t"], environment: environment))
            try await degraded.test(.router) { client in
                let browser = Browser(client: client)
                #expect(try await browser.get("/").text.contains("Classic Mug"))
                try await browser.get("/login")
                let login = try await browser.post("/login", [("username", "someone"), ("password", "password-123")])
                #expect(login.status == .serviceUnavailable)
                #expect(login.text.contains("Logging in is unavailable right now"))
                try await browser.get("/register")
                let register = try await browser.post(
                    "/register", [("username", "someone"), ("email", "s@example.com"), ("password", "password-123")])
                #expect(register.status == .serviceUnavailable)
                #expect(register.text.contains("Registration is unavailable right now"))
            }
        }
    }

    @Test func ordersDownStillLetsPeopleBrowse() async throws {
        try await FrontendHarness.run { browser, harness in
            try await browser.register("kim")
            let cookie = browser.sessionCookie
            var environment = harness.environment
            environment["ORDER_SERVICE_URL"] = "http://127.0.0.1:9"
            environment["BACKEND_TIMEOUT_MS"] = "3000"
            let degraded = try await buildFrontend(reader: .shop(arguments: ["t"], environment: environment))
            try await degraded.test(.router) { client in
                let other = Browser(client: client)
                other.setCookie(cookie)
                #expect(try await other.get("/").text.contains("Classic Mug"))
                #expect(try await other.get("/product/classic-mug").status == .ok)
                let cart = try await other.get("/cart")
                #expect(cart.status == .ok)
                #expect(cart.text.contains("Your cart is unavailable right now"))
                try await other.get("/product/classic-mug")
                let add = try await other.post(
                    "/cart/add", [("product_id", "1"), ("quantity", "1"), ("slug", "classic-mug")])
                #expect(add.status == .seeOther)
                #expect(try await other.get("/product/classic-mug").text.contains("Your cart is unavailable"))
                #expect(try await other.get("/orders").text.contains("Your orders are unavailable"))
            }
        }
    }
}

@Suite("Token refresh")
struct TokenRefreshTests {
    /// With access tokens that are always close to expiry, every page exchanges
    /// the refresh token: the customer stays logged in and the cookie changes.
    @Test func accessTokensAreRefreshedTransparently() async throws {
        // No reuse grace, so the replay below is theft however soon it comes.
        try await FrontendHarness.run(userSettings: ["TOKEN_TTL": "20", "REFRESH_REUSE_GRACE_SECONDS": "0"]) {
            browser, _ in
            try await browser.register("ren")
            let first = try #require(browser.sessionCookie)
            let cart = try await browser.get("/cart")
            #expect(cart.status == .ok)
            #expect(cart.text.contains("Log out ren"))
            let second = try #require(browser.sessionCookie)
            #expect(second != first, "the session was re-sealed with new tokens")
            #expect(try await browser.get("/orders").text.contains("Log out ren"))

            // An old cookie carries a refresh token that was already used: user-service
            // revokes that session, so it ends instead of being replayed.
            browser.setCookie(first)
            let replayed = try await browser.get("/cart")
            #expect(replayed.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    /// A page that fails after the refresh token was rotated still writes the
    /// session. Before, the error page carried no cookie, the browser kept the
    /// spent refresh token, and the next page was taken for token theft: logged out.
    @Test func anErrorPageStillWritesTheRotatedSession() async throws {
        try await FrontendHarness.run(userSettings: ["TOKEN_TTL": "20"]) { browser, _ in
            try await browser.register("sid")
            let before = try #require(browser.sessionCookie)
            let missing = try await browser.get("/orders/MS-NOPE2345")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.setCookie] != nil, "the rotated session is written with the error page")
            #expect(try #require(browser.sessionCookie) != before)
            let cart = try await browser.get("/cart")
            #expect(cart.status == .ok)
            #expect(cart.text.contains("Log out sid"), "still signed in")
        }
    }
}
