import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopPlatform
import ShopTestSupport
import Testing

@testable import Frontend

/// The home page's catalogue part and the product pages are built once per
/// catalogue answer, but every request asks product-service again: what a
/// shopper sees is never staler than a direct read.
@Suite("Storefront pages kept per catalogue answer", .serialized)
struct CatalogueRevalidationTests {
    static func grid(of html: String) -> Substring {
        guard let start = html.range(of: #"<ul class="product-grid">"#), let end = html.range(of: "</ul>") else {
            return ""
        }
        return html[start.lowerBound..<end.upperBound]
    }

    /// The ETag the storefront keeps is one product-service recognises: an
    /// unchanged page or product comes back as 304, a changed one in full.
    @Test func anUnchangedAnswerComesBackAsNotModified() async throws {
        try await FrontendHarness.run { _, harness in
            let catalogue = try ProductCatalogue(
                client: ServiceClient(baseURL: try #require(harness.urls["product"]), target: "product-service"))
            let (_, pageTag) = try #require(
                try await catalogue.page(query: "mug", cursor: nil, limit: 12, ifNoneMatch: nil, requestID: nil))
            let tag = try #require(pageTag)
            #expect(
                try await catalogue.page(query: "mug", cursor: nil, limit: 12, ifNoneMatch: tag, requestID: nil) == nil)
            #expect(
                try await catalogue.page(query: "tote", cursor: nil, limit: 12, ifNoneMatch: tag, requestID: nil) != nil
            )

            let (_, productTag) = try #require(
                try await catalogue.product(slug: "classic-mug", ifNoneMatch: nil, requestID: nil))
            let mugTag = try #require(productTag)
            #expect(try await catalogue.product(slug: "classic-mug", ifNoneMatch: mugTag, requestID: nil) == nil)
            #expect(try await catalogue.product(slug: "canvas-tote", ifNoneMatch: mugTag, requestID: nil) != nil)
        }
    }

    @Test func anEditOrASaleShowsAtOnce() async throws {
        try await FrontendHarness.run { admin, _ in
            let shopper = Browser(client: admin.client)
            let home = try await shopper.get("/").text
            #expect(home.contains("$12.00"))
            #expect(Self.grid(of: try await shopper.get("/").text) == Self.grid(of: home), "unchanged, served again")
            let product = try await shopper.get("/product/classic-mug").text
            #expect(product.contains("$12.00") && product.contains("In stock"))
            #expect(try await shopper.get("/product/classic-mug").text.contains("$12.00"))

            try await admin.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await admin.get("/admin/products/classic-mug").text
            let repriced = try await admin.post(
                "/admin/products/classic-mug",
                try AdminStaleFormTests.submission(of: opened, ["price": "13.00", "stock_adjust": "-35"]))
            #expect(repriced.status == .seeOther, "\(repriced.text)")

            let edited = try await shopper.get("/").text
            #expect(edited.contains("$13.00") && !edited.contains("$12.00"))
            let page = try await shopper.get("/product/classic-mug").text
            #expect(page.contains("$13.00") && page.contains("Only 5 left"), "\(page)")

            // A sale changes the stock the page shows, too.
            try await shopper.register("ruth")
            try await shopper.get("/product/classic-mug")
            try await shopper.post("/cart/add", [("product_id", "1"), ("quantity", "2"), ("slug", "classic-mug")])
            let key = try #require(CartPageTests.field("idempotency_key", in: try await shopper.get("/checkout").text))
            #expect(try await shopper.post("/checkout", [("idempotency_key", key)]).status == .seeOther)
            #expect(try await shopper.get("/product/classic-mug").text.contains("Only 3 left"))
        }
    }

    /// The product is rendered once for everyone; the add-to-cart form's token,
    /// added outside it, is each visitor's own, and only where there is a form.
    @Test func eachVisitorsFormCarriesTheirOwnToken() async throws {
        try await FrontendHarness.run { first, _ in
            let second = Browser(client: first.client)
            let mine = try await first.get("/product/classic-mug").text
            let theirs = try await second.get("/product/classic-mug").text
            let (myToken, theirToken) = (try #require(first.csrf), try #require(second.csrf))
            #expect(myToken != theirToken)
            #expect(mine.contains(#"<input type="hidden" name="_csrf" value="\#(myToken)" form="add-to-cart-form">"#))
            #expect(
                mine.contains(#"<form action="/cart/add" method="post" class="add-to-cart" id="add-to-cart-form">"#))
            #expect(!mine.contains(theirToken))
            #expect(theirs.contains(#"value="\#(theirToken)" form="add-to-cart-form""#) && !theirs.contains(myToken))

            try await first.logIn(FrontendHarness.adminUsername, FrontendHarness.adminPassword)
            let opened = try await first.get("/admin/products/desk-lamp").text
            let emptied = try await first.post(
                "/admin/products/desk-lamp", try AdminStaleFormTests.submission(of: opened, ["stock_adjust": "-8"]))
            #expect(emptied.status == .seeOther, "\(emptied.text)")
            let soldOut = try await second.get("/product/desk-lamp").text
            #expect(soldOut.contains("Out of stock") && !soldOut.contains("add-to-cart-form"))
        }
    }

    /// Search results are rendered each time (shoppers can type any number of
    /// terms); each shows its own results, and the box shows the term again.
    @Test func searchesShowTheirOwnResultsAndTheirTerm() async throws {
        try await FrontendHarness.run { shopper, _ in
            let mug = try await shopper.get("/?q=mug").text
            #expect(mug.contains("Classic Mug") && !mug.contains("Canvas Tote"))
            #expect(mug.contains(#"id="search-q" name="q" type="search" placeholder="Search products" value="mug""#))
            let tote = try await shopper.get("/?q=tote").text
            #expect(tote.contains("Canvas Tote") && !tote.contains("Classic Mug"))
            #expect(try await shopper.get("/?q=mug%20cursor%3D2").text.contains("No products match"))
            let home = try await shopper.get("/").text
            #expect(home.contains(#"placeholder="Search products" value="""#))
            #expect(home.contains("Classic Mug") && home.contains("Canvas Tote"))
        }
    }
}
