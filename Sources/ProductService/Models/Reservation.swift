import Foundation
import Hummingbird

/// A stock reservation for one order, as stored and as returned.
struct Reservation: Codable, Sendable, Equatable {
    enum Status: String, Codable, Sendable {
        case reserved, released
    }

    struct Line: Codable, Sendable, Equatable {
        let productID: Int64
        let name: String
        let quantity: Int
        let unitPriceMinor: Int64

        enum CodingKeys: String, CodingKey {
            case name, quantity
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
        }
    }

    let orderID: Int64
    var status: Status
    let currency: String
    let totalMinor: Int64
    let lines: [Line]
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case status, currency, lines
        case orderID = "order_id"
        case totalMinor = "total_minor"
        case createdAt = "created_at"
    }
}

extension Reservation: ResponseEncodable {}

/// `POST /v1/reservations`.
struct ReservationRequest: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var productID: Int64?
        var quantity: Int?

        enum CodingKeys: String, CodingKey {
            case quantity
            case productID = "product_id"
        }
    }

    var orderID: Int64?
    var lines: [Line]?

    enum CodingKeys: String, CodingKey {
        case lines
        case orderID = "order_id"
    }
}

/// A line that cannot be reserved for lack of stock, reported in the 409.
struct Shortage: Codable, Sendable, Equatable {
    let productID: Int64
    let requested: Int
    let available: Int

    enum CodingKeys: String, CodingKey {
        case requested, available
        case productID = "product_id"
    }
}
