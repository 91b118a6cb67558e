import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import Frontend

/// The admin edit form opened before a sale and saved after it must not put
/// the sold units back on sale.
@Suite("Admin product form under concurrent sales", .serialized)
struct AdminStaleFormTests {
    static func stock(in html: String) -> Int? {
        guard let range = html.range(of: #"<strong id="current-stock">"#) else { return nil }
        return Int(html[range.upperBound...].prefix { $0.isNumber })
    }

    static func version(in html: String) throws -> String {
        let raw = try #require(CartPageTests.field("version", in: html))
        return raw.replacingOccurrences(of: "&quot;", with: "\"")
    }

    @Test func aFormOpenedBeforeASaleKeepsTheSale() async throws {
        try await FrontendHarness.run { admin, _ in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await admin.get("/admin/products/classic-mug")
            let before = try #require(Self.stock(in: opened.text))
            let version = try Self.version(in: opened.text)
            #expect(!opened.text.contains(#"name="stock""#), "the edit form must not post an absolute stock")
            let unchanged: [(String, String)] = [
                ("name", "Classic Mug"), ("description", "A mug"), ("price", "12.00"), ("active", "on"),
                ("stock_adjust", "0"), ("version", version), ("currency", "USD"),
            ]

            let customer = Browser(client: admin.client)
            try await customer.register("buyer")
            try await customer.get("/product/classic-mug")
            try await customer.post("/cart/add", [("product_id", "1"), ("quantity", "2"), ("slug", "classic-mug")])
            let key = try #require(CartPageTests.field("idempotency_key", in: try await customer.get("/checkout").text))
            #expect(try await customer.post("/checkout", [("idempotency_key", key)]).status == .seeOther)

            // The admin saves the form exactly as it was loaded.
            let stale = try await admin.post("/admin/products/classic-mug", unchanged)
            #expect(stale.status == .conflict, "\(stale.status)")
            #expect(stale.text.contains("changed while you were editing"))
            #expect(stale.text.contains("with \(before - 2) in stock"))
            #expect(Self.stock(in: stale.text) == before - 2)

            // Saved again from the refreshed form, with a delivery of 5: the sale stays.
            let again = try Self.version(in: stale.text)
            var delivery = unchanged.filter { $0.0 != "version" && $0.0 != "stock_adjust" }
            delivery += [("version", again), ("stock_adjust", "5")]
            let saved = try await admin.post("/admin/products/classic-mug", delivery)
            #expect(saved.status == .seeOther)
            let after = try await admin.get("/admin/products/classic-mug")
            #expect(Self.stock(in: after.text) == before + 3)
            #expect(after.text.contains("Saved."))

            let nonsense = try await admin.post(
                "/admin/products/classic-mug",
                unchanged.filter { $0.0 != "stock_adjust" && $0.0 != "version" } + [
                    ("stock_adjust", "lots"), ("version", try Self.version(in: after.text)),
                ])
            #expect(nonsense.status == .unprocessableContent)
            #expect(nonsense.text.contains("whole number"))
            #expect(Self.stock(in: nonsense.text) == before + 3)
        }
    }
}
