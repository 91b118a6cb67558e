import Foundation
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
}
