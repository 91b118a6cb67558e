/// `POST /v1/products`. Optional fields so a missing one is a 422 naming it.
struct ProductInput: Decodable, Sendable {
    var slug: String?
    var name: String?
    var description: String?
    var priceMinor: Int64?
    var currency: String?
    var stock: Int?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case slug, name, description, currency, stock
        case priceMinor = "price_minor"
        case isActive = "is_active"
    }
}

/// `PATCH /v1/products/{slug}`: only what is present changes. `stock` sets the
/// level; `stock_adjust` adds to (or, negative, takes from) it atomically.
struct ProductPatch: Decodable, Sendable {
    var name: String?
    var description: String?
    var priceMinor: Int64?
    var currency: String?
    var stock: Int?
    var stockAdjust: Int?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case name, description, currency, stock
        case priceMinor = "price_minor"
        case stockAdjust = "stock_adjust"
        case isActive = "is_active"
    }
}

/// The training shop's `POST /api/product/create` form: price in major units, as text.
struct LegacyProductInput: Decodable, Sendable {
    var name: String?
    var slug: String?
    var image: String?
    var price: String?

    enum CodingKeys: String, CodingKey {
        case name, slug, image, price
    }

    /// Accepts the price as a JSON number too.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        image = try container.decodeIfPresent(String.self, forKey: .image)
        if let text = try? container.decodeIfPresent(String.self, forKey: .price) {
            price = text
        } else if let number = try? container.decodeIfPresent(Double.self, forKey: .price) {
            price = String(number)
        } else {
            price = nil
        }
    }
}
