import Foundation
import Hummingbird
import ShopPlatform

/// The training shop's ORDER: `items`, `is_open` and `user_id`, plus id, number,
/// status and total for clients that want them.
struct LegacyOrder: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        let product: Int64
        let quantity: Int
    }

    let id: Int64
    let number: String
    let items: [Item]
    let isOpen: Bool
    let userID: Int64
    let status: String
    let total: Decimal?

    enum CodingKeys: String, CodingKey {
        case id, number, items, status, total
        case isOpen = "is_open"
        case userID = "user_id"
    }

    init(_ order: Order) {
        self.id = order.id
        self.number = order.number
        self.items = order.lines.map { Item(product: $0.productID, quantity: $0.quantity) }
        self.isOpen = order.status == .cart
        self.userID = order.userID
        self.status = order.status.rawValue
        self.total = order.totalMinor.map { Money(minorUnits: $0, currency: order.currency ?? "USD").majorUnits }
    }
}

struct LegacyOrderResult: ResponseEncodable, Sendable {
    let result: LegacyOrder
}

struct LegacyMessage: ResponseEncodable, Sendable {
    let message: String
}
