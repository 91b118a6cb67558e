import Foundation
import SQLKit
import ShopPlatform

/// Stock reservations: the only place stock leaves or returns for orders.
///
/// Reserving is one transaction: product rows are locked in id order (PostgreSQL
/// `FOR UPDATE`; SQLite's `BEGIN IMMEDIATE` already serialises writers), every
/// line is checked, then every line is decremented or none is. The `stock >= 0`
/// constraint is the last line of defence. Idempotency rests on the unique
/// `order_id`: a replay finds the live reservation instead of reserving again;
/// once released, the order id may reserve afresh (its order is a cart again).
struct ReservationStore: Sendable {
    let database: ShopDatabase

    enum Outcome: Sendable {
        case created(Reservation)
        case replayed(Reservation)
    }

    enum Refusal: Error, Sendable {
        case shortages([Shortage])
        case unavailable([Int64])
        case mixedCurrencies
        case differentLines
    }

    func reserve(orderID: Int64, lines: [(productID: Int64, quantity: Int)]) async throws -> Outcome {
        do {
            return try await attemptReserve(orderID: orderID, lines: lines)
        } catch  where ConstraintViolation.isUnique(error) {
            // A concurrent call with the same order id won: answer as a replay.
            return try await attemptReserve(orderID: orderID, lines: lines)
        }
    }

    private func attemptReserve(orderID: Int64, lines: [(productID: Int64, quantity: Int)]) async throws -> Outcome {
        let lockClause = database.rowLock
        return try await database.transaction { db in
            if let existing = try await Self.load(orderID: orderID, db: db) {
                guard existing.status == .reserved else {
                    // A released reservation is spent: the order went back to being a
                    // cart and is checking out again, possibly with other lines.
                    try await db.raw("DELETE FROM reservations WHERE order_id = \(bind: orderID)").run()
                    return try await Self.reserveFresh(orderID: orderID, lines: lines, lockClause: lockClause, db: db)
                }
                let requested = Dictionary(uniqueKeysWithValues: lines.map { ($0.productID, $0.quantity) })
                let reserved = Dictionary(uniqueKeysWithValues: existing.lines.map { ($0.productID, $0.quantity) })
                guard requested == reserved else { throw Refusal.differentLines }
                return .replayed(existing)
            }
            return try await Self.reserveFresh(orderID: orderID, lines: lines, lockClause: lockClause, db: db)
        }
    }

    /// Locks the products, checks every line, and takes the stock of all of them
    /// or none.
    private static func reserveFresh(
        orderID: Int64, lines: [(productID: Int64, quantity: Int)], lockClause: SQLQueryString, db: any SQLDatabase
    ) async throws -> Outcome {
        let ids = lines.map(\.productID).sorted()
        let products = try await db.raw(
            """
            SELECT id, name, price_minor, currency, stock, is_active FROM products
            WHERE id IN (\(binds: ids)) ORDER BY id\(lockClause)
            """
        ).all()
        var byID: [Int64: (name: String, price: Int64, currency: String, stock: Int, active: Bool)] = [:]
        for row in products {
            byID[try row.decode(column: "id", as: Int64.self)] = (
                try row.decode(column: "name", as: String.self),
                try row.decode(column: "price_minor", as: Int64.self),
                try row.decode(column: "currency", as: String.self),
                try row.decode(column: "stock", as: Int.self),
                try row.decode(column: "is_active", as: Bool.self)
            )
        }
        let unavailable = ids.filter { byID[$0]?.active != true }
        guard unavailable.isEmpty else { throw Refusal.unavailable(unavailable) }
        let currencies = Set(byID.values.map(\.currency))
        guard currencies.count == 1, let currency = currencies.first else { throw Refusal.mixedCurrencies }
        let shortages = lines.compactMap { line -> Shortage? in
            let available = byID[line.productID]!.stock
            return available < line.quantity
                ? Shortage(productID: line.productID, requested: line.quantity, available: available) : nil
        }
        guard shortages.isEmpty else { throw Refusal.shortages(shortages.sorted { $0.productID < $1.productID }) }

        let now = Date()
        let reservedLines = lines.map { line in
            let product = byID[line.productID]!
            return Reservation.Line(
                productID: line.productID, name: product.name, quantity: line.quantity,
                unitPriceMinor: product.price)
        }
        let total = reservedLines.reduce(Int64(0)) { $0 + $1.unitPriceMinor * Int64($1.quantity) }
        let reservationID = try await db.raw(
            """
            INSERT INTO reservations (order_id, status, currency, total_minor, created_at)
            VALUES (\(bind: orderID), 'reserved', \(bind: currency), \(bind: total), \(bind: now))
            RETURNING id
            """
        ).first().unwrap().decode(column: "id", as: Int64.self)
        for line in reservedLines {
            try await db.raw(
                """
                UPDATE products SET stock = stock - \(bind: line.quantity), updated_at = \(bind: now)
                WHERE id = \(bind: line.productID)
                """
            ).run()
            try await db.raw(
                """
                INSERT INTO reservation_lines (reservation_id, product_id, quantity, unit_price_minor, name)
                VALUES (\(bind: reservationID), \(bind: line.productID), \(bind: line.quantity),
                    \(bind: line.unitPriceMinor), \(bind: line.name))
                """
            ).run()
        }
        return .created(
            Reservation(
                orderID: orderID, status: .reserved, currency: currency, totalMinor: total, lines: reservedLines,
                createdAt: now))
    }

    func find(orderID: Int64) async throws -> Reservation? {
        try await database.withConnection { db in try await Self.load(orderID: orderID, db: db) }
    }

    /// Returns the stock exactly once, however often or concurrently it is called.
    /// Nil when there never was a reservation for the order.
    func release(orderID: Int64) async throws -> Reservation? {
        try await database.transaction { db in
            // The conditional update is the claim: only one caller flips the status.
            let claimed = try await db.raw(
                """
                UPDATE reservations SET status = 'released', released_at = \(bind: Date())
                WHERE order_id = \(bind: orderID) AND status = 'reserved'
                RETURNING id
                """
            ).first()
            if let claimed {
                let reservationID = try claimed.decode(column: "id", as: Int64.self)
                try await db.raw(
                    """
                    UPDATE products SET stock = stock + (
                        SELECT quantity FROM reservation_lines l
                        WHERE l.reservation_id = \(bind: reservationID) AND l.product_id = products.id)
                    WHERE id IN (SELECT product_id FROM reservation_lines WHERE reservation_id = \(bind: reservationID))
                    """
                ).run()
            }
            return try await Self.load(orderID: orderID, db: db)
        }
    }

    private static func load(orderID: Int64, db: any SQLDatabase) async throws -> Reservation? {
        guard
            let row = try await db.raw(
                """
                SELECT id, status, currency, total_minor, created_at FROM reservations
                WHERE order_id = \(bind: orderID)
                """
            ).first()
        else { return nil }
        let reservationID = try row.decode(column: "id", as: Int64.self)
        let lines = try await db.raw(
            """
            SELECT product_id, name, quantity, unit_price_minor FROM reservation_lines
            WHERE reservation_id = \(bind: reservationID) ORDER BY product_id
            """
        ).all().map { line in
            Reservation.Line(
                productID: try line.decode(column: "product_id", as: Int64.self),
                name: try line.decode(column: "name", as: String.self),
                quantity: try line.decode(column: "quantity", as: Int.self),
                unitPriceMinor: try line.decode(column: "unit_price_minor", as: Int64.self))
        }
        return Reservation(
            orderID: orderID,
            status: Reservation.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .reserved,
            currency: try row.decode(column: "currency", as: String.self),
            totalMinor: try row.decode(column: "total_minor", as: Int64.self),
            lines: lines,
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
