import Foundation
import Logging
import SQLKit
import ShopPlatform

/// Reads product-service's and order-service's databases directly and checks
/// that stock and orders agree, whatever happened on the way.
struct InvariantChecker {
    let productDatabase: String
    let orderDatabase: String

    struct HeldLine: Hashable {
        let productID: Int64
        let quantity: Int
        let unitPriceMinor: Int64
    }

    struct Report: Sendable {
        var violations: [String] = []
        var counts: [String: Int] = [:]
        /// Still settling rather than wrong: pending orders, owed releases, orphans.
        var unsettled: [String] = []
    }

    /// `expected`: each product's starting stock plus the admin adjustments that were applied.
    func check(expected: [Int64: Int]) async throws -> Report {
        let products = try await ShopDatabase.open(url: productDatabase, logger: Logger(label: "check"))
        let orders = try await ShopDatabase.open(url: orderDatabase, logger: Logger(label: "check"))
        return try await products.withRunningService {
            try await orders.withRunningService {
                var report = Report()
                let stock = try await products.withConnection { db in
                    try await db.raw("SELECT id, stock FROM products").all().reduce(into: [Int64: Int]()) {
                        $0[try $1.decode(column: "id", as: Int64.self)] = try $1.decode(column: "stock", as: Int.self)
                    }
                }
                let held = try await heldReservations(products)
                let placed = try await placedOrders(orders)
                let statuses = try await orders.withConnection { db in
                    try await db.raw("SELECT status, COUNT(*) AS n FROM orders GROUP BY status").all()
                        .reduce(into: [String: Int]()) {
                            $0[try $1.decode(column: "status", as: String.self)] = try $1.decode(
                                column: "n", as: Int.self)
                        }
                }
                let owed = try await orders.withConnection { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM orders WHERE needs_release").first()?
                        .decode(column: "n", as: Int.self) ?? 0
                }
                let doubleCarts = try await orders.withConnection { db in
                    try await db.raw(
                        "SELECT user_id FROM orders WHERE status = 'cart' GROUP BY user_id HAVING COUNT(*) > 1"
                    ).all().count
                }

                // Every placed order has exactly its reservation: same order, lines and prices.
                for (checkoutID, order) in placed {
                    guard let reservation = held[checkoutID] else {
                        report.violations.append("placed order \(order.id) holds no reservation (\(checkoutID))")
                        continue
                    }
                    if reservation.orderID != order.id {
                        report.violations.append(
                            "order \(order.id) placed on order \(reservation.orderID)'s reservation")
                    }
                    if Set(reservation.lines) != Set(order.lines) {
                        report.violations.append(
                            "order \(order.id): lines \(order.lines) ≠ reserved \(reservation.lines)")
                    }
                    let sum = order.lines.reduce(Int64(0)) { $0 + $1.unitPriceMinor * Int64($1.quantity) }
                    if order.totalMinor != sum || reservation.totalMinor != sum {
                        report.violations.append(
                            "order \(order.id): total \(order.totalMinor), reserved \(reservation.totalMinor), lines \(sum)"
                        )
                    }
                }
                let orphans = held.keys.filter { placed[$0] == nil }
                if !orphans.isEmpty { report.unsettled.append("\(orphans.count) reservations without a placed order") }
                if let pending = statuses["pending"], pending > 0 {
                    report.unsettled.append("\(pending) pending orders")
                }
                if owed > 0 { report.unsettled.append("\(owed) orders still owe a release") }
                if doubleCarts > 0 { report.violations.append("\(doubleCarts) users have two carts") }

                // Stock: what there was + adjustments = what is left + what placed orders hold.
                var heldUnits: [Int64: Int] = [:]
                for reservation in held.values {
                    for line in reservation.lines { heldUnits[line.productID, default: 0] += line.quantity }
                }
                for (productID, expectedStock) in expected.sorted(by: { $0.key < $1.key }) {
                    let now = stock[productID] ?? -1
                    if now < 0 { report.violations.append("product \(productID) has negative stock \(now)") }
                    if now + heldUnits[productID, default: 0] != expectedStock {
                        report.unsettled.append(
                            "product \(productID): stock \(now) + held \(heldUnits[productID, default: 0]) ≠ \(expectedStock)"
                        )
                    }
                }
                report.counts = [
                    "products": expected.count, "placed orders": placed.count, "held reservations": held.count,
                    "cancelled orders": statuses["cancelled"] ?? 0, "carts": statuses["cart"] ?? 0,
                    "placed units": heldUnits.values.reduce(0, +),
                ]
                return report
            }
        }
    }

    private struct Held {
        let orderID: Int64
        let totalMinor: Int64
        let lines: [HeldLine]
    }

    private struct Placed {
        let id: Int64
        let totalMinor: Int64
        let lines: [HeldLine]
    }

    private func heldReservations(_ database: ShopDatabase) async throws -> [String: Held] {
        try await database.withConnection { db in
            var held: [String: Held] = [:]
            for row in try await db.raw(
                "SELECT id, checkout_id, order_id, total_minor FROM reservations WHERE status = 'reserved'"
            ).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                let lines = try await db.raw(
                    "SELECT product_id, quantity, unit_price_minor FROM reservation_lines WHERE reservation_id = \(bind: id)"
                ).all().map {
                    HeldLine(
                        productID: try $0.decode(column: "product_id", as: Int64.self),
                        quantity: try $0.decode(column: "quantity", as: Int.self),
                        unitPriceMinor: try $0.decode(column: "unit_price_minor", as: Int64.self))
                }
                held[try row.decode(column: "checkout_id", as: String.self)] = Held(
                    orderID: try row.decode(column: "order_id", as: Int64?.self) ?? 0,
                    totalMinor: try row.decode(column: "total_minor", as: Int64?.self) ?? -1, lines: lines)
            }
            return held
        }
    }

    private func placedOrders(_ database: ShopDatabase) async throws -> [String: Placed] {
        try await database.withConnection { db in
            var placed: [String: Placed] = [:]
            for row in try await db.raw(
                "SELECT id, checkout_id, total_minor FROM orders WHERE status = 'placed'"
            ).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                let lines = try await db.raw(
                    "SELECT product_id, quantity, unit_price_minor FROM order_lines WHERE order_id = \(bind: id)"
                ).all().map {
                    HeldLine(
                        productID: try $0.decode(column: "product_id", as: Int64.self),
                        quantity: try $0.decode(column: "quantity", as: Int.self),
                        unitPriceMinor: try $0.decode(column: "unit_price_minor", as: Int64?.self) ?? -1)
                }
                placed[try row.decode(column: "checkout_id", as: String?.self) ?? "order-\(id)"] = Placed(
                    id: id, totalMinor: try row.decode(column: "total_minor", as: Int64?.self) ?? -1, lines: lines)
            }
            return placed
        }
    }
}
