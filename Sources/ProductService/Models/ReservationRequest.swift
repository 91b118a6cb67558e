import Foundation
import Hummingbird
import ShopPlatform

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

    var checkoutID: String?
    var orderID: Int64?
    var lines: [Line]?

    enum CodingKeys: String, CodingKey {
        case lines
        case checkoutID = "checkout_id"
        case orderID = "order_id"
    }
}
