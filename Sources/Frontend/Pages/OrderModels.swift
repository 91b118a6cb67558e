import Foundation
import Mustache
import ShopPlatform

struct OrderLineModel {
    let name: String
    let quantity: Int
    let unitPrice: String?
    let lineTotal: String?
}

struct OrderModel {
    let number: String
    let status: String
    let placedAt: String?
    let total: String?
    let lines: [OrderLineModel]
    let cancellable: Bool
    let userID: Int64

    init(_ order: OrderDoc) {
        self.number = order.number
        self.status = order.status.rawValue
        self.placedAt = order.placedAt.map { $0.formatted(date: .abbreviated, time: .shortened) }
        let currency = order.currency ?? "USD"
        self.total = order.totalMinor.map { Money(minorUnits: $0, currency: currency).formatted }
        self.lines = order.items.map { item in
            OrderLineModel(
                name: item.name ?? "Product \(item.productId)", quantity: Int(item.quantity),
                unitPrice: item.unitPriceMinor.map { Money(minorUnits: $0, currency: currency).formatted },
                lineTotal: item.lineTotalMinor.map { Money(minorUnits: $0, currency: currency).formatted })
        }
        self.cancellable = order.status == .placed
        self.userID = order.userId
    }
}

struct OrdersModel {
    let orders: [OrderModel]
    let empty: Bool
    let nextURL: String?
}

extension OrderLineModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "quantity": quantity
        case "unitPrice": unitPrice
        case "lineTotal": lineTotal
        default: nil
        }
    }
}

extension OrderModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "status": status
        case "placedAt": placedAt
        case "total": total
        case "lines": lines
        case "cancellable": cancellable
        case "userID": userID
        default: nil
        }
    }
}

extension OrdersModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "orders": orders
        case "empty": empty
        case "nextURL": nextURL
        default: nil
        }
    }
}
