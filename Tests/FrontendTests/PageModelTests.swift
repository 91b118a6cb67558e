import Foundation
import Mustache
import OrderServiceAPI
import ProductServiceAPI
import Testing

@testable import Frontend

/// Page models answer the templates' lookups by name instead of reflection.
/// A stored property the lookup forgets would render as nothing, silently:
/// every stored property must be answered, with its own value.
@Suite("Page models")
struct PageModelTests {
    static var models: [any MustacheParent] {
        let card = ProductCard(
            ProductDoc(
                id: 3, slug: "mug", name: "Mug", description: "A mug", priceMinor: 1250, currency: "EUR", stock: 4,
                inStock: true, isActive: true, imageUrl: "/v1/products/mug/image"))
        let order = OrderModel(
            OrderDoc(
                id: 9, number: "MS-ABC", userId: 7, status: .placed, currency: "EUR", totalMinor: 2500,
                createdAt: Date(timeIntervalSince1970: 0), placedAt: Date(timeIntervalSince1970: 60),
                items: [.init(productId: 3, quantity: 2, name: "Mug", unitPriceMinor: 1250, lineTotalMinor: 2500)]))
        let form = FormModel(values: ["name": "Mug"], errors: ["price": "Too low"], general: "No", next: "/cart")

        return [
            card,
            CatalogueModel(products: [card], query: "mug", nextURL: "/?after=3", firstPageURL: "/", empty: false),
            ProductModel(product: card, quantities: [1, 2, 3]),
            HomePage(html: "<ul></ul>", query: "mug"),
            ProductPage(html: "<article></article>", name: "Mug", inStock: true),
            AdminProductsModel(products: [card]),
            AdminProductFormModel(product: card, isNew: false, form: form, priceValue: "12.50", currency: "EUR"),
            AdminOrdersModel(
                orders: [order], status: "placed", filters: [.init(value: "placed", label: "Placed", selected: true)]),
            AdminOrdersModel.StatusFilter(value: "placed", label: "Placed", selected: true),
            CartLineModel(
                productID: 3, slug: "mug", name: "Mug", quantity: 2, unitPrice: "€12.50", lineTotal: "€25.00",
                available: false, unavailableReason: "Only 1 left"),
            CartModel(
                lines: [], empty: true, subtotal: "€0.00", canCheckout: false, idempotencyKey: "k",
                expectedTotalMinor: 0, currency: "EUR"),
            OrderLineModel(name: "Mug", quantity: 2, unitPrice: "€12.50", lineTotal: "€25.00"),
            order,
            OrdersModel(orders: [order], empty: false, nextURL: "/orders?after=9"),
            form,
            ErrorPage(title: "Gone", message: "Not here"),
            SiteModel(
                csrf: "c", username: "zed", isAdmin: true, loggedIn: true, cartBadge: "2",
                flashes: [FlashModel(kind: "ok", text: "Saved")], banners: ["Down"], title: "Microshop"),
            FlashModel(kind: "ok", text: "Saved"),
        ]
    }

    @Test func everyStoredPropertyIsAnsweredWithItsValue() throws {
        for model in Self.models {
            try Self.check(model)
        }
    }

    static func check(_ model: any MustacheParent) throws {
        let properties = Mirror(reflecting: model).children
        #expect(!properties.isEmpty)
        for property in properties {
            let name = try #require(property.label)
            let stored = unwrapped(property.value)
            let answered = model.child(named: name)
            #expect(
                answered.map { String(describing: $0) } == stored.map { String(describing: $0) },
                "\(type(of: model)).\(name)")
            // Every fixture fills each property, so a missing answer cannot hide as nil.
            #expect(stored != nil, "\(type(of: model)).\(name) has no value in the fixture")
        }
        #expect(model.child(named: "noSuchField") == nil)
    }

    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }

    /// Only an uploaded picture is shown, at the storefront's address with its
    /// version; a training-shop file name or any other text has no bytes here.
    @Test func onlyUploadedPicturesAreShownWithTheirVersion() {
        #expect(ProductCard.imageURL("/v1/products/mug/image?v=ab12", slug: "mug") == "/images/mug?v=ab12")
        #expect(ProductCard.imageURL("/v1/products/mug/image", slug: "mug") == "/images/mug")
        #expect(ProductCard.imageURL("product1.jpg", slug: "mug") == nil)
        #expect(ProductCard.imageURL("javascript:alert(1)", slug: "mug") == nil)
        #expect(ProductCard.imageURL("/v1/products/other/image?v=ab12", slug: "mug") == nil)
        #expect(ProductCard.imageURL(nil, slug: "mug") == nil)
    }
}
