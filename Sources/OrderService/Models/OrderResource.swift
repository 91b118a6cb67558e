import Foundation
import Hummingbird

/// An order as `/v1` shows it. Prices are the snapshots taken at placing.
struct OrderResource: ResponseEncodable, Sendable {
    struct Item: Encodable, Sendable {
        let productID: Int64
        let quantity: Int
        let name: String?
        let unitPriceMinor: Int64?
        let lineTotalMinor: Int64?

        enum CodingKeys: String, CodingKey {
            case quantity, name
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
            case lineTotalMinor = "line_total_minor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(productID, forKey: .productID)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(name, forKey: .name)
            try container.encode(unitPriceMinor, forKey: .unitPriceMinor)
            try container.encode(lineTotalMinor, forKey: .lineTotalMinor)
        }
    }

    let id: Int64
    let number: String
    let userID: Int64
    let status: Order.Status
    let currency: String?
    let totalMinor: Int64?
    let items: [Item]
    let createdAt: Date
    let placedAt: Date?
    let cancelledAt: Date?

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

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(userID, forKey: .userID)
        try container.encode(status, forKey: .status)
        try container.encode(currency, forKey: .currency)
        try container.encode(totalMinor, forKey: .totalMinor)
        try container.encode(items, forKey: .items)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(placedAt, forKey: .placedAt)
        try container.encode(cancelledAt, forKey: .cancelledAt)
    }
}

struct OrderPage: ResponseEncodable, Sendable {
    let items: [OrderResource]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
