import Foundation
import Hummingbird
import ShopPlatform

/// The training shop's product JSON: `price` is a number in major units.
struct LegacyProduct: Encodable, Sendable {
    let id: Int64
    let name: String
    let slug: String
    let price: Decimal
    let image: String?

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

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(slug, forKey: .slug)
        try container.encode(price, forKey: .price)
        try container.encode(image, forKey: .image)
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
