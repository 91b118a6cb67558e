import Foundation
import Mustache
import ShopPlatform

struct CartLineModel {
    let productID: Int64
    let slug: String?
    let name: String
    let quantity: Int
    let unitPrice: String?
    let lineTotal: String?
    let available: Bool
    let unavailableReason: String?
}

struct CartModel {
    let lines: [CartLineModel]
    let empty: Bool
    let subtotal: String?
    let canCheckout: Bool
    let idempotencyKey: String
    /// The total shown, which the checkout form sends back so that the order
    /// is refused if a price changed since.
    var expectedTotalMinor: Int64? = nil
    var currency: String? = nil
}

extension CartLineModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "productID": productID
        case "slug": slug
        case "name": self.name
        case "quantity": quantity
        case "unitPrice": unitPrice
        case "lineTotal": lineTotal
        case "available": available
        case "unavailableReason": unavailableReason
        default: nil
        }
    }
}

extension CartModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "lines": lines
        case "empty": empty
        case "subtotal": subtotal
        case "canCheckout": canCheckout
        case "idempotencyKey": idempotencyKey
        case "expectedTotalMinor": expectedTotalMinor
        case "currency": currency
        default: nil
        }
    }
}
