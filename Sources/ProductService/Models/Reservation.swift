import Foundation
import Hummingbird
import ShopPlatform

/// The stock one checkout attempt of an order holds, as stored and as returned.
///
/// Identified by `checkoutID`, which order-service makes afresh for every attempt;
/// `orderID` says whose it is. A release that found nothing is stored too (no
/// order, no lines, `released`), so the attempt can never reserve afterwards.
struct Reservation: Encodable, Sendable, Equatable {
    enum Status: String, Encodable, Sendable, StoredState {
        case reserved, released
    }

    struct Line: Encodable, Sendable, Equatable {
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

    let id: Int64
    let checkoutID: String
    @NullEncoded var orderID: Int64?
    var status: Status
    @NullEncoded var currency: String?
    @NullEncoded var totalMinor: Int64?
    let lines: [Line]
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status, currency, lines
        case checkoutID = "checkout_id"
        case orderID = "order_id"
        case totalMinor = "total_minor"
        case createdAt = "created_at"
    }
}

extension Reservation: ResponseEncodable {}

/// `GET /v1/reservations?status=reserved`: live reservations oldest first, for
/// order-service's sweep of reservations no placed order owns.
struct ReservationPage: Encodable, Sendable {
    let items: [Reservation]
    @NullEncoded var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

extension ReservationPage: ResponseEncodable {}

/// A line that cannot be reserved for lack of stock, reported in the 409.
struct Shortage: Sendable, Equatable {
    let productID: Int64
    let name: String
    let requested: Int
    let available: Int

    var line: ProblemError.ProductLine {
        .init(productID: productID, name: name, requested: requested, available: available)
    }
}
