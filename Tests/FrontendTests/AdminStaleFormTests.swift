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

    /// What a browser posts for the edit page as shown, apart from `changes`.
    static func submission(of html: String, _ changes: [String: String]) throws -> [(String, String)] {
        func unescaped(_ text: Substring) -> String {
            text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        func input(_ name: String) throws -> String {
            let pattern = try Regex(#"name="\#(name)"[^>]*value="([^"]*)""#)
            return unescaped(try #require(html.firstMatch(of: pattern)?.output[1].substring))
        }
        let textarea = try #require(html.firstMatch(of: #/name="description"[^>]*>([^<]*)</textarea>/#)?.output.1)
        var fields: [String: String] = [
            "name": try input("name"), "description": unescaped(textarea), "price": try input("price"),
            "stock_adjust": try input("stock_adjust"),
        ]
        if html.contains(#"name="active" checked"#) { fields["active"] = "on" }
        for name in ["version", "currency", "seen_name", "seen_description", "seen_price", "seen_active"] {
            fields[name] = try input(name)
        }
        fields.merge(changes) { $1 }
        return fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The page says what the admin saw, so a sale meanwhile (stock only) is no
    /// conflict: the edit is saved and the sale kept. Another admin's change to a
    /// field the form writes is a conflict, named.
    @Test func aSaleIsNoConflictButAnotherAdminsEditIs() async throws {
        try await FrontendHarness.run { admin, _ in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await admin.get("/admin/products/classic-mug").text
            let before = try #require(Self.stock(in: opened))

            let customer = Browser(client: admin.client)
            try await customer.register("shopper")
            try await customer.get("/product/classic-mug")
            try await customer.post("/cart/add", [("product_id", "1"), ("quantity", "2"), ("slug", "classic-mug")])
            let key = try #require(
                CartPageTests.field("idempotency_key", in: try await customer.get("/checkout").text))
            #expect(try await customer.post("/checkout", [("idempotency_key", key)]).status == .seeOther)

            let repriced = try await admin.post(
                "/admin/products/classic-mug", try Self.submission(of: opened, ["price": "13.00"]))
            #expect(repriced.status == .seeOther, "\(repriced.text)")
            let after = try await admin.get("/admin/products/classic-mug").text
            #expect(Self.stock(in: after) == before - 2)
            #expect(after.contains(#"value="13.00""#) || after.contains(#"value="13""#))

            // Two admins open the form; one renames, then the other changes the price.
            let other = Browser(client: admin.client)
            try await other.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let theirs = try await other.get("/admin/products/classic-mug").text
            let mine = try await admin.get("/admin/products/classic-mug").text
            #expect(
                try await other.post(
                    "/admin/products/classic-mug", try Self.submission(of: theirs, ["name": "Mug Deluxe"])
                )
                .status == .seeOther)
            let clash = try await admin.post(
                "/admin/products/classic-mug", try Self.submission(of: mine, ["price": "14.00"]))
            #expect(clash.status == .conflict)
            #expect(clash.text.contains("someone else changed its name"), "\(clash.text)")
            let final = try await admin.get("/admin/products/classic-mug").text
            #expect(final.contains("Mug Deluxe"))
            #expect(!final.contains(#"value="14.00""#) && !final.contains(#"value="14""#))

            // The conflict page carries the other admin's name and this admin's
            // price: saving it as shown keeps both.
            #expect(clash.text.contains(#"value="Mug Deluxe""#))
            let resaved = try await admin.post("/admin/products/classic-mug", try Self.submission(of: clash.text, [:]))
            #expect(resaved.status == .seeOther)
            let merged = try await admin.get("/admin/products/classic-mug").text
            #expect(merged.contains(#"value="Mug Deluxe""#) && merged.contains(#"value="14""#))
        }
    }

    /// A double click sends the same adjustment twice: it is applied once.
    @Test func aRepeatedSubmissionAdjustsStockOnce() async throws {
        try await FrontendHarness.run { admin, _ in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await admin.get("/admin/products/classic-mug").text
            let before = try #require(Self.stock(in: opened))
            let delivery = try Self.submission(of: opened, ["stock_adjust": "5"])
            #expect(try await admin.post("/admin/products/classic-mug", delivery).status == .seeOther)
            #expect(try await admin.post("/admin/products/classic-mug", delivery).status == .conflict)
            #expect(Self.stock(in: try await admin.get("/admin/products/classic-mug").text) == before + 5)
        }
    }

    /// A form refused for a bad value keeps the baseline it was loaded with: a
    /// rename made meanwhile by another admin is still caught on the next save.
    @Test func aRefusedFormKeepsItsBaseline() async throws {
        try await FrontendHarness.run { admin, _ in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let mine = try await admin.get("/admin/products/classic-mug").text
            let other = Browser(client: admin.client)
            try await other.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let theirs = try await other.get("/admin/products/classic-mug").text
            #expect(
                try await other.post(
                    "/admin/products/classic-mug", try Self.submission(of: theirs, ["name": "Renamed"])
                )
                .status == .seeOther)
            let refused = try await admin.post(
                "/admin/products/classic-mug", try Self.submission(of: mine, ["price": "lots"]))
            #expect(refused.status == .unprocessableContent)
            let fixed = try await admin.post(
                "/admin/products/classic-mug", try Self.submission(of: refused.text, ["price": "15.00"]))
            #expect(fixed.status == .conflict)
            #expect(fixed.text.contains("someone else changed its name"))
        }
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

    /// A save without the version the form was loaded with (a hand-made post, a
    /// page from before versions) is not written blind: it is a conflict, and
    /// its stock adjustment is not applied.
    @Test func aSaveWithoutAVersionIsNotWrittenBlind() async throws {
        try await FrontendHarness.run { admin, _ in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await admin.get("/admin/products/classic-mug").text
            let before = try #require(Self.stock(in: opened))
            let blind = try await admin.post(
                "/admin/products/classic-mug", try Self.submission(of: opened, ["version": "", "stock_adjust": "5"]))
            #expect(blind.status == .conflict, "\(blind.status)")
            #expect(Self.stock(in: try await admin.get("/admin/products/classic-mug").text) == before)
        }
    }

    /// product-service's refusal of a price shows next to the price field; before,
    /// it was filed under `price_minor`, which the form does not show, and the
    /// page said nothing at all.
    @Test func aPriceProductServiceRefusesIsShownOnTheForm() async throws {
        try await FrontendHarness.run { admin, _ in
            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await admin.get("/admin/products/classic-mug").text
            let refused = try await admin.post(
                "/admin/products/classic-mug", try Self.submission(of: opened, ["price": "100000001"]))
            #expect(refused.status == .unprocessableContent, "\(refused.status)")
            #expect(refused.text.lowercased().contains("must be between"), "\(refused.text.suffix(2000))")
        }
    }
}
