import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOFoundationCompat
import ShopPlatform
import ShopTestSupport
import Testing

@testable import Frontend

@Suite("Admin product form")
struct AdminProductFormTests {
    @Test func newProductsStartActiveAndTheCheckboxReflectsIt() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let form = try await browser.get("/admin/products/new")
            #expect(form.text.contains(#"name="active" checked"#))
            let inactive = try await browser.get("/admin/products/classic-mug")
            #expect(inactive.text.contains(#"name="active" checked"#))
        }
    }

    static func newProduct(_ slug: String, price: String, stock: String) -> [(String, String)] {
        [
            ("name", slug.capitalized), ("slug", slug), ("description", ""), ("price", price), ("stock", stock),
            ("active", "on"),
        ]
    }

    /// A shop that sells in yen prices a new product in yen: "1200" is ¥1,200,
    /// not 1200 dollars' worth of cents.
    @Test func aNewProductIsPricedInTheShopsCurrency() async throws {
        try await FrontendHarness.run(shopSettings: ["SHOP_CURRENCY": "JPY"], seed: false) { admin, harness in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            #expect(try await admin.get("/admin/products/new").text.contains("Price (JPY)"))
            let created = try await admin.post(
                "/admin/products", Self.newProduct("tea-bowl", price: "1200", stock: "3"))
            #expect(created.status == .seeOther, "\(created.text)")

            let products = ServiceClient(baseURL: try #require(harness.urls["product"]), target: "product-service")
            let reply = try await products.send(.get, "/v1/products/tea-bowl", idempotent: true)
            let product = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: reply.body)) as? [String: Any])
            #expect(product["price_minor"] as? Int == 1200)
            #expect(product["currency"] as? String == "JPY")
            #expect(try await admin.get("/admin/products/tea-bowl").text.contains(#"value="1200""#))
        }
    }

    /// A stock that is not a number is refused on the form, with a message about
    /// stock, and nothing is created.
    @Test func aStockThatIsNotANumberIsRefusedOnTheForm() async throws {
        try await FrontendHarness.run(seed: false) { admin, harness in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            for bad in ["", "ten", "1.5", "-"] {
                _ = try await admin.get("/admin/products/new")
                let refused = try await admin.post("/admin/products", Self.newProduct("cup", price: "4.00", stock: bad))
                #expect(refused.status == .unprocessableContent, "stock \(bad.debugDescription)")
                #expect(refused.text.contains("Enter a whole number of units"), "stock \(bad.debugDescription)")
            }
            let products = ServiceClient(baseURL: try #require(harness.urls["product"]), target: "product-service")
            #expect(try await products.send(.get, "/v1/products/cup", idempotent: true).status == .notFound)
        }
    }
}
