import Foundation
import Hummingbird
import ShopPlatform

/// An order as `/v1` shows it. Prices are the snapshots taken at placing.
struct OrderResource: ResponseEncodable, Sendable {
    struct Item: Encodable, Sendable {
        let productID: Int64
        let quantity: Int
        @NullEncoded var name: String?
        @NullEncoded var unitPriceMinor: Int64?
        @NullEncoded var lineTotalMinor: Int64?

        enum CodingKeys: String, CodingKey {
            case quantity, name
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
            case lineTotalMinor = "line_total_minor"
        }
    }

    let id: Int64
    let number: String
    let userID: Int64
    let status: Order.Status
    @NullEncoded var currency: String?
    @NullEncoded var totalMinor: Int64?
    let items: [Item]
    let createdAt: Date
    @NullEncoded var placedAt: Date?
    @NullEncoded var cancelledAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, number, status, currency, items
        case userID = "user_id"
        case totalMinor = "total_minor"
        case createdAt = "created_at"
        case placedAt = "placed_at"
        case cancelledAt = "cancelled_at"
    }

    init(_ order: Order) {
        self.id = order.id
        self.number = order.number
        self.userID = order.userID
        self.status = order.status
        self.currency = order.currency
        self.totalMinor = order.totalMinor
        self.items = order.lines.map { line in
            Item(
                productID: line.productID, quantity: line.quantity, name: line.name,
                unitPriceMinor: line.unitPriceMinor,
                lineTotalMinor: line.unitPriceMinor.map { $0 * Int64(line.quantity) })
        }
        self.createdAt = order.createdAt
        self.placedAt = order.placedAt
        self.cancelledAt = order.cancelledAt
    }
}

struct OrderPage: ResponseEncodable, Sendable {
    let items: [OrderResource]
    @NullEncoded var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}
