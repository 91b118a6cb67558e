import Foundation
import Hummingbird
import ShopPlatform

/// The training shop's product JSON: `price` is a number in major units.
struct LegacyProduct: Encodable, Sendable {
    let id: Int64
    let name: String
    let slug: String
    let price: Decimal
    @NullEncoded var image: String?

    init(_ product: Product) {
        self.id = product.id
        self.name = product.name
        self.slug = product.slug
        self.price = product.price.majorUnits
        self.image = product.image
    }

    enum CodingKeys: String, CodingKey {
        case id, name, slug, price, image
    }
}

struct LegacyProductList: ResponseEncodable {
    let results: [LegacyProduct]
}

struct LegacyProductResult: ResponseEncodable {
    let result: LegacyProduct
}

struct LegacyProductAdded: ResponseEncodable {
    let message: String
    let product: LegacyProduct
}
