import Foundation
import Hummingbird

/// The cart with current names and prices from product-service. When the
/// catalogue cannot be reached the lines are still listed, without prices, and
/// `catalogue_available` says so.
struct CartResource: ResponseEncodable, Sendable {
    struct Item: Encodable, Sendable {
        let productID: Int64
        let quantity: Int
        let slug: String?
        let name: String?
        let unitPriceMinor: Int64?
        let lineTotalMinor: Int64?
        let imageURL: String?
        /// False when the product was withdrawn or is short of stock.
        let available: Bool?
        let stock: Int?

        enum CodingKeys: String, CodingKey {
            case quantity, slug, name, available, stock
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
            case lineTotalMinor = "line_total_minor"
            case imageURL = "image_url"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(productID, forKey: .productID)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(slug, forKey: .slug)
            try container.encode(name, forKey: .name)
            try container.encode(unitPriceMinor, forKey: .unitPriceMinor)
            try container.encode(lineTotalMinor, forKey: .lineTotalMinor)
            try container.encode(imageURL, forKey: .imageURL)
            try container.encode(available, forKey: .available)
            try container.encode(stock, forKey: .stock)
        }
    }

    let id: Int64?
    let number: String?
    let items: [Item]
    let itemCount: Int
    let subtotalMinor: Int64?
    let currency: String
    let catalogueAvailable: Bool

    enum CodingKeys: String, CodingKey {
        case id, number, items, currency
        case itemCount = "item_count"
        case subtotalMinor = "subtotal_minor"
        case catalogueAvailable = "catalogue_available"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(items, forKey: .items)
        try container.encode(itemCount, forKey: .itemCount)
        try container.encode(subtotalMinor, forKey: .subtotalMinor)
        try container.encode(currency, forKey: .currency)
        try container.encode(catalogueAvailable, forKey: .catalogueAvailable)
    }
}
