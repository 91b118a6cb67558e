import Foundation
import ShopTestSupport
import Testing

/// A customer and an admin using the shop in a real headless Chromium, against
/// all four services running as processes. Full-page screenshots land in
/// `test-output/screenshots/`.
@Suite("Shop in a real browser", .serialized)
struct BrowserJourneyTests {
    /// The test script sets REQUIRE_BROWSER=1 after installing Chromium: then a
    /// missing browser fails the run instead of skipping it.
    static var enabled: Bool {
        WebDriver.isAvailable || ProcessInfo.processInfo.environment["REQUIRE_BROWSER"] == "1"
    }

    static let screenshots =
        ProcessInfo.processInfo.environment["SHOP_TEST_OUTPUT"].map { $0 + "/screenshots" }
        ?? FileManager.default.currentDirectoryPath + "/test-output/screenshots"

    @Test(.enabled(if: enabled))
    func customerJourneyAndAdminUpload() async throws {
        #expect(WebDriver.isAvailable, "chromium and chromium-driver are not installed")
        let shop = try await ShopCluster(.sqlite, withFrontend: true, seedDemo: true)
        defer { shop.stop() }
        let site = try #require(shop.frontend).baseURL
        let browser = try await WebDriver()
        do {
            try await customerJourney(browser, site: site)
            try await adminCreatesAProductWithAPicture(browser, site: site, shop: shop)
        } catch {
            let page = (try? await browser.pageSource) ?? ""
            Issue.record(
                "browser journey failed: \(error)\nat \((try? await browser.currentURL) ?? "?")\n\(page.prefix(3000))")
        }
        await browser.quit()
    }

    func customerJourney(_ browser: WebDriver, site: String) async throws {
        try await browser.open(site + "/")
        #expect(try await browser.pageSource.contains("Classic Mug"))
        try await browser.screenshot(to: Self.screenshots + "/home.png")

        // Register, log out, log in again.
        try await browser.clickAndWait("#register-link")
        try await browser.type("#username", "browser.buyer")
        try await browser.type("#email", "buyer@example.com")
        try await browser.type("#first_name", "Bea")
        try await browser.type("#password", "password-123")
        try await browser.clickAndWait("#register-submit")
        #expect(try await browser.text("#logout").contains("browser.buyer"))
        try await browser.clickAndWait("#logout")
        try await browser.clickAndWait("#login-link")
        try await browser.type("#username", "browser.buyer")
        try await browser.type("#password", "password-123")
        try await browser.clickAndWait("#login-submit")
        #expect(try await browser.text("#logout").contains("browser.buyer"))

        // Search, then add two products.
        try await browser.type("#search-q", "mug")
        try await browser.clickAndWait("form.search button")
        _ = try await browser.find("a.product-link[href='/product/classic-mug']")
        #expect(try await browser.pageSource.contains("Results for"))
        try await browser.clickAndWait("a.product-link[href='/product/classic-mug']")
        try await browser.screenshot(to: Self.screenshots + "/product.png")
        try await browser.click("#quantity option[value='2']")
        try await browser.clickAndWait("#add-to-cart")
        _ = try await browser.find("#subtotal")
        #expect(try await browser.currentURL.hasSuffix("/cart"))
        try await browser.open(site + "/product/canvas-tote")
        try await browser.clickAndWait("#add-to-cart")
        #expect(try await browser.text("#cart-count") == "3")

        // Change a quantity, remove a line.
        try await browser.type("#qty-1", "3")
        try await browser.clickAndWait("tr[data-product='1'] button.update")
        _ = try await browser.find(".flash-success")
        #expect(try await browser.text("#subtotal") == "$54.00")
        try await browser.clickAndWait("tr[data-product='3'] button.remove")
        _ = try await browser.find(".flash-success")
        #expect(try await browser.text("#subtotal") == "$36.00")
        try await browser.screenshot(to: Self.screenshots + "/cart.png")

        // Checkout: the summary, then the order.
        try await browser.clickAndWait("#go-to-checkout")
        try await browser.clickAndWait("#place-order")
        let number = try await browser.text("#order-number")
        #expect(number.hasPrefix("MS-"))
        #expect(try await browser.currentURL.hasSuffix("/order/\(number)/thank-you"))
        try await browser.screenshot(to: Self.screenshots + "/thank-you.png")

        try await browser.open(site + "/orders")
        #expect(try await browser.pageSource.contains(number))
        try await browser.clickAndWait("a.order-link")
        try await browser.clickAndWait("#cancel-order")
        _ = try await browser.find(".flash-success")
        #expect(try await browser.text("#order-status") == "cancelled")
        try await browser.clickAndWait("#logout")
        _ = try await browser.find("#login-link")
    }

    func adminCreatesAProductWithAPicture(_ browser: WebDriver, site: String, shop: ShopCluster) async throws {
        // A real PNG to upload: one of the demo pictures.
        let picture = try await HTTP.send(.GET, shop.products.baseURL + "/v1/products/desk-lamp/image")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString).png")
        try picture.body.write(to: file)

        try await browser.open(site + "/login")
        try await browser.type("#username", ShopCluster.adminUsername)
        try await browser.type("#password", ShopCluster.adminPassword)
        try await browser.clickAndWait("#login-submit")
        try await browser.open(site + "/admin")
        try await browser.screenshot(to: Self.screenshots + "/admin.png")
        try await browser.clickAndWait("#new-product")
        try await browser.type("#name", "Browser Lamp")
        try await browser.type("#slug", "browser-lamp")
        try await browser.type("#description", "Made in a test")
        try await browser.type("#price", "42.00")
        try await browser.type("#stock", "4")
        try await browser.clickAndWait("#save-product")
        _ = try await browser.find("#upload-image")
        #expect(try await browser.currentURL.hasSuffix("/admin/products/browser-lamp"))
        try await browser.type("#image", file.path)
        try await browser.clickAndWait("#upload-image")
        _ = try await browser.find(".flash-success")
        #expect(try await browser.pageSource.contains("Picture uploaded"))

        try await browser.open(site + "/?q=browser")
        #expect(try await browser.pageSource.contains("Browser Lamp"))
        _ = try await browser.find("img[src^='/images/browser-lamp?v=']")
        let loaded = try await browser.script(
            "return document.querySelector(\"img[src^='/images/browser-lamp?v=']\").naturalWidth")
        #expect(loaded as? Int == 160, "the picture is really shown")
        try await browser.screenshot(to: Self.screenshots + "/home-with-new-product.png")
    }
}
