import Foundation
import Mustache
import ShopPlatform

/// Page models: plain values the templates read. Each answers the template's
/// lookups by name (`MustacheParent`) rather than by reflection, which cost
/// half the storefront's CPU; `PageModelTests` keeps each answer in step with
/// the stored properties. Money is formatted here, once.
struct ProductCard {
    let slug: String
    let name: String
    let description: String
    let price: String
    let inStock: Bool
    let stock: Int
    let lowStock: Bool
    let isActive: Bool
    let imageURL: String?
    let id: Int64

    init(_ product: ProductDoc) {
        self.slug = product.slug
        self.name = product.name
        self.description = product.description
        self.price = Money(minorUnits: product.priceMinor, currency: product.currency).formatted
        self.inStock = product.inStock
        self.stock = Int(product.stock)
        self.lowStock = product.stock > 0 && product.stock <= 5
        self.isActive = product.isActive
        self.imageURL = Self.imageURL(product.imageUrl, slug: product.slug)
        self.id = product.id
    }
}

extension ProductCard {
    /// The storefront's address for an uploaded picture, keeping its version
    /// (`?v=`) so the browser caches it until it is replaced. Anything else in
    /// `image_url` (a training-shop file name) has no bytes here: no picture.
    static func imageURL(_ url: String?, slug: String) -> String? {
        guard let url, url.hasPrefix("/v1/products/\(slug)/image") else { return nil }
        let version = url.split(separator: "?v=", maxSplits: 1).dropFirst().first
        return "/images/\(slug)" + (version.map { "?v=\(String($0).urlComponent)" } ?? "")
    }
}

struct CatalogueModel {
    let products: [ProductCard]
    /// Nil when not searching (Mustache treats even "" as present).
    let query: String?
    let nextURL: String?
    let firstPageURL: String?
    let empty: Bool
}

struct ProductModel {
    let product: ProductCard
    let quantities: [Int]
}

/// A product page: the product rendered by `PageRenderer.fragment`, shown as it
/// is (`{{{page.html}}}`); the add-to-cart form's CSRF token, this visitor's, is
/// added outside it (`form="add-to-cart-form"`) when the product is in stock.
struct ProductPage {
    let html: String
    let name: String
    let inStock: Bool
}

extension ProductPage {
    init(html: String, product: ProductDoc) {
        self.init(html: html, name: product.name, inStock: product.inStock)
    }
}

extension ProductPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "html": html
        case "name": self.name
        case "inStock": inStock
        default: nil
        }
    }
}

extension ProductModel {
    /// The page for `product`: up to ten units (as many as are in stock) to choose from.
    init(_ product: ProductDoc) {
        self.init(product: ProductCard(product), quantities: Array(1...max(1, min(10, Int(product.stock)))))
    }
}

extension ProductCard: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "slug": slug
        case "name": self.name
        case "description": description
        case "price": price
        case "inStock": inStock
        case "stock": stock
        case "lowStock": lowStock
        case "isActive": isActive
        case "imageURL": imageURL
        case "id": id
        default: nil
        }
    }
}

extension CatalogueModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "products": products
        case "query": query
        case "nextURL": nextURL
        case "firstPageURL": firstPageURL
        case "empty": empty
        default: nil
        }
    }
}

extension ProductModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "product": product
        case "quantities": quantities
        default: nil
        }
    }
}
