import Foundation
import Hummingbird
import ShopPlatform

/// A product as `/v1` shows it. Money is minor units plus currency.
struct ProductResource: Encodable, Sendable, Equatable {
    let id: Int64
    let slug: String
    let name: String
    let description: String
    let priceMinor: Int64
    let currency: String
    let stock: Int
    let inStock: Bool
    let isActive: Bool
    @NullEncoded var imageURL: String?
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, slug, name, description, currency, stock
        case priceMinor = "price_minor"
        case inStock = "in_stock"
        case isActive = "is_active"
        case imageURL = "image_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ product: Product) {
        self.id = product.id
        self.slug = product.slug
        self.name = product.name
        self.description = product.description
        self.priceMinor = product.price.minorUnits
        self.currency = product.price.currency
        self.stock = product.stock
        self.inStock = product.stock > 0
        self.isActive = product.isActive
        self.imageURL = product.image
        self.createdAt = product.createdAt
        self.updatedAt = product.updatedAt
    }
}

extension ProductResource: ResponseEncodable {}

/// One page of products; pass `next_cursor` back as `cursor`.
struct ProductPage: Encodable, Sendable {
    let items: [ProductResource]
    @NullEncoded var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}
