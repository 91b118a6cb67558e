/// `POST /v1/cart/items`.
struct AddItemInput: Decodable, Sendable {
    var productID: Int64?
    var quantity: Int?

    enum CodingKeys: String, CodingKey {
        case quantity
        case productID = "product_id"
    }
}

/// `PUT /v1/cart/items/{product_id}`.
struct SetQuantityInput: Decodable, Sendable {
    var quantity: Int?
}

/// The training shop's `POST /api/order/add-item` form: `product_id`, `qty`.
/// Numbers may arrive as text (forms) or numbers (JSON).
struct LegacyAddItemInput: Decodable, Sendable {
    var productID: Int64?
    var qty: Int?

    enum CodingKeys: String, CodingKey {
        case qty
        case productID = "product_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        productID =
            (try? container.decodeIfPresent(Int64.self, forKey: .productID))
            ?? (try? container.decodeIfPresent(String.self, forKey: .productID)).flatMap { $0.flatMap(Int64.init) }
        qty =
            (try? container.decodeIfPresent(Int.self, forKey: .qty))
            ?? (try? container.decodeIfPresent(String.self, forKey: .qty)).flatMap { $0.flatMap(Int.init) }
    }
}
