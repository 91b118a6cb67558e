import Foundation
import Hummingbird
import ShopPlatform

/// The cart with current names and prices from product-service. When the
/// catalogue cannot be reached the lines are still listed, without prices, and
/// `catalogue_available` says so.
struct CartResource: ResponseEncodable, Sendable {
    struct Item: Encodable, Sendable {
        let productID: Int64
        let quantity: Int
        @NullEncoded var slug: String?
        @NullEncoded var name: String?
        @NullEncoded var unitPriceMinor: Int64?
        @NullEncoded var lineTotalMinor: Int64?
        /// The line's prices' currency: the cart's, unless the product was
        /// repriced in another since it was added.
        @NullEncoded var currency: String?
        @NullEncoded var imageURL: String?
        /// False when the product was withdrawn, is short of stock or is priced
        /// in another currency than the cart.
        @NullEncoded var available: Bool?
        @NullEncoded var stock: Int?

        enum CodingKeys: String, CodingKey {
            case quantity, slug, name, available, stock, currency
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
            case lineTotalMinor = "line_total_minor"
            case imageURL = "image_url"
        }
    }

    @NullEncoded var id: Int64?
    @NullEncoded var number: String?
    let items: [Item]
    let itemCount: Int
    @NullEncoded var subtotalMinor: Int64?
    let currency: String
    let catalogueAvailable: Bool

    enum CodingKeys: String, CodingKey {
        case id, number, items, currency
        case itemCount = "item_count"
        case subtotalMinor = "subtotal_minor"
        case catalogueAvailable = "catalogue_available"
    }
}
