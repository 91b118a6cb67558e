import ShopPlatform

/// `POST /v1/cart/items`.
struct AddItemInput: Decodable, Sendable {
    var productID: Int64?
    var quantity: Int?

    enum CodingKeys: String, CodingKey {
        case quantity
        case productID = "product_id"
    }
}

/// `POST /v1/orders`'s optional body: the total the customer was shown, which
/// the order must come to. A body without `expected_total_minor` expects
/// nothing (other fields are ignored, as they always were).
struct CheckoutInput: Decodable, Sendable {
    var expectedTotalMinor: Int64?
    var currency: String?

    enum CodingKeys: String, CodingKey {
        case currency
        case expectedTotalMinor = "expected_total_minor"
    }

    func expectation() throws -> Money? {
        guard let total = expectedTotalMinor else { return nil }
        var validator = Validator()
        let currency = validator.require(currency, "currency")
        validator.check(total >= 0, "expected_total_minor", "must not be negative")
        if let currency {
            validator.check(Money.isCurrencyCode(currency), "currency", "must be a three-letter currency code")
        }
        try validator.throwIfInvalid()
        guard let currency else { throw ProblemError.validation(validator.errors) }
        return Money(minorUnits: total, currency: currency)
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
