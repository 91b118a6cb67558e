import Foundation
import ShopPlatform

/// An order as stored. The cart is the order in status `cart`.
struct Order: Sendable, Equatable {
    enum Status: String, Sendable, Codable, StoredState {
        case cart, pending, placed, cancelled
    }

    struct Line: Sendable, Equatable {
        let productID: Int64
        var quantity: Int
        /// Snapshots taken when the order is placed; nil while it is a cart.
        var name: String?
        var unitPriceMinor: Int64?
    }

    let id: Int64
    let number: String
    let userID: Int64
    var status: Status
    var currency: String?
    var totalMinor: Int64?
    var lines: [Line]
    let createdAt: Date
    var updatedAt: Date
    var placedAt: Date?
    var cancelledAt: Date?
    /// The current checkout attempt, which keys its reservation; nil for a cart
    /// that never checked out.
    var checkoutID: String?
    /// The total the customer was shown when they confirmed the current
    /// attempt; nil when they named none. Nothing else is ever placed.
    var expectedTotal: Money?

    /// The key of the reservation this order holds or held at product-service.
    var reservationKey: String { Self.reservationKey(orderID: id, checkoutID: checkoutID) }

    /// Orders from before checkout ids reserved under `order-<id>` (both services'
    /// migrations name them so); only a cart that never checked out has neither.
    static func reservationKey(orderID: Int64, checkoutID: String?) -> String {
        checkoutID ?? "order-\(orderID)"
    }
}
