import Foundation
import SQLKit
import ShopPlatform

/// Stock reservations: the only place stock leaves or returns for orders.
///
/// A reservation belongs to one checkout attempt (`checkout_id`). Every call for
/// an attempt starts by claiming its row, `INSERT … ON CONFLICT (checkout_id) DO
/// NOTHING`, which waits for any other transaction inserting the same id, and then
/// locks the row: reserve and release for one attempt are linearizable. A reserve
/// locks the product rows in id order (PostgreSQL `FOR UPDATE`; SQLite's `BEGIN
/// IMMEDIATE` already serialises writers), checks every line, then takes the stock
/// of every line or of none. The `stock >= 0` constraint is the last line of
/// defence.
///
/// - A repeated reserve finds the attempt's row: the same lines replay it, other
///   lines or another order are refused, never replayed.
/// - A release returns the stock once; one that finds nothing leaves a released
///   row, so a reserve of that attempt still in flight is refused when it lands.
struct ReservationStore: Sendable {
    let database: ShopDatabase

    enum Outcome: Sendable {
        case created(Reservation)
        case replayed(Reservation)
    }

    enum Refusal: Error, Sendable {
        case shortages([Shortage])
        /// Unknown products (no name) and withdrawn ones.
        case unavailable([ProblemError.ProductLine])
        /// The lines priced in another currency than the first line.
        case mixedCurrencies([ProblemError.ProductLine])
        /// The attempt already holds a reservation for other lines or another order.
        case differentLines
        /// The attempt was released (or released before it reserved): it is over.
        case released
    }

    typealias Line = (productID: Int64, quantity: Int)

    func reserve(checkoutID: String, orderID: Int64, lines: [Line]) async throws -> Outcome {
        let lockClause = database.rowLock
        return try await database.transaction("reserve stock") { db in
            let now = Date()
            if let claimed = try await db.raw(
                """
                INSERT INTO reservations (checkout_id, order_id, status, created_at)
                VALUES (\(bind: checkoutID), \(bind: orderID), \(Reservation.Status.reserved), \(bind: now))
                ON CONFLICT (checkout_id) DO NOTHING
                RETURNING id
                """
            ).first() {
                // A refusal below rolls the claim back with everything else.
                let reservationID = try claimed.decode(column: "id", as: Int64.self)
                return try await Self.reserveFresh(
                    reservationID: reservationID, checkoutID: checkoutID, orderID: orderID, lines: lines,
                    lockClause: lockClause, now: now, db: db)
            }
            guard let existing = try await Self.load(checkoutID: checkoutID, lock: lockClause, db: db) else {
                throw Refusal.released
            }
            guard existing.status == .reserved else { throw Refusal.released }
            let requested = Dictionary(uniqueKeysWithValues: lines.map { ($0.productID, $0.quantity) })
            let reserved = Dictionary(uniqueKeysWithValues: existing.lines.map { ($0.productID, $0.quantity) })
            guard existing.orderID == orderID, requested == reserved else { throw Refusal.differentLines }
            return .replayed(existing)
        }
    }

    /// Locks the products, checks every line, and takes the stock of all of them
    /// or none.
    private static func reserveFresh(
        reservationID: Int64, checkoutID: String, orderID: Int64, lines: [Line], lockClause: SQLQueryString,
        now: Date, db: any SQLDatabase
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
        guard unavailable.isEmpty else {
            throw Refusal.unavailable(unavailable.map { .init(productID: $0, name: byID[$0]?.name) })
        }
        // An order is in the currency of its first line; the others must match.
        let currency = byID[lines[0].productID]!.currency
        let foreign = lines.filter { byID[$0.productID]!.currency != currency }
        guard foreign.isEmpty else {
            throw Refusal.mixedCurrencies(
                foreign.map { .init(productID: $0.productID, name: byID[$0.productID]?.name) })
        }
        let shortages = lines.compactMap { line -> Shortage? in
            let product = byID[line.productID]!
            return product.stock < line.quantity
                ? Shortage(
                    productID: line.productID, name: product.name, requested: line.quantity, available: product.stock)
                : nil
        }
        guard shortages.isEmpty else { throw Refusal.shortages(shortages.sorted { $0.productID < $1.productID }) }

        let reservedLines = lines.map { line in
            let product = byID[line.productID]!
            return Reservation.Line(
                productID: line.productID, name: product.name, quantity: line.quantity,
                unitPriceMinor: product.price)
        }
        let total = reservedLines.reduce(Int64(0)) { $0 + $1.unitPriceMinor * Int64($1.quantity) }
        try await db.raw(
            """
            UPDATE reservations SET currency = \(bind: currency), total_minor = \(bind: total)
            WHERE id = \(bind: reservationID)
            """
        ).run()
        // Two statements whatever the number of lines: the lines, then the stock
        // they take (as a release gives it back).
        let values = reservedLines.map { line -> SQLQueryString in
            """
            (\(bind: reservationID), \(bind: line.productID), \(bind: line.quantity), \(bind: line.unitPriceMinor),
                \(bind: line.name))
            """
        }
        try await db.raw(
            """
            INSERT INTO reservation_lines (reservation_id, product_id, quantity, unit_price_minor, name)
            VALUES \(values.joined(separator: ", "))
            """
        ).run()
        try await db.raw(
            """
            UPDATE products SET updated_at = \(bind: now), stock = stock - (
                SELECT quantity FROM reservation_lines l
                WHERE l.reservation_id = \(bind: reservationID) AND l.product_id = products.id)
            WHERE id IN (SELECT product_id FROM reservation_lines WHERE reservation_id = \(bind: reservationID))
            """
        ).run()
        return .created(
            Reservation(
                id: reservationID, checkoutID: checkoutID, orderID: orderID, status: .reserved, currency: currency,
                totalMinor: total,
                lines: reservedLines, createdAt: now))
    }

    func find(checkoutID: String) async throws -> Reservation? {
        try await database.withConnection { db in try await Self.load(checkoutID: checkoutID, lock: "", db: db) }
    }

    /// Live reservations with ids above `after`, oldest first.
    func live(after: Int64, limit: Int) async throws -> [Reservation] {
        try await database.withConnection { db in
            try await Self.load(
                try await db.raw(
                    """
                    SELECT \(Self.columns) FROM reservations
                    WHERE status = \(Reservation.Status.reserved) AND id > \(bind: after)
                    ORDER BY id LIMIT \(bind: limit)
                    """
                ).all(), db: db)
        }
    }

    /// Returns the stock exactly once, however often or concurrently it is called.
    /// An attempt with no reservation gets a released one, which its reserve respects.
    func release(checkoutID: String) async throws -> Reservation {
        let lockClause = database.rowLock
        let (reservation, returned) = try await database.transaction("release stock") { db in
            let now = Date()
            try await db.raw(
                """
                INSERT INTO reservations (checkout_id, status, created_at, released_at)
                VALUES (\(bind: checkoutID), \(Reservation.Status.released), \(bind: now), \(bind: now))
                ON CONFLICT (checkout_id) DO NOTHING
                """
            ).run()
            // The conditional update is the claim: only one caller flips the status.
            if let claimed = try await db.raw(
                """
                UPDATE reservations SET status = \(Reservation.Status.released), released_at = \(bind: now)
                WHERE checkout_id = \(bind: checkoutID) AND status = \(Reservation.Status.reserved)
                RETURNING id
                """
            ).first() {
                let reservationID = try claimed.decode(column: "id", as: Int64.self)
                // The products locked in id order, as a reserve locks them: in
                // the order an UPDATE's scan meets them, the two could deadlock.
                _ = try await db.raw(
                    """
                    SELECT id FROM products
                    WHERE id IN (SELECT product_id FROM reservation_lines WHERE reservation_id = \(bind: reservationID))
                    ORDER BY id\(lockClause)
                    """
                ).all()
                try await db.raw(
                    """
                    UPDATE products SET stock = stock + (
                        SELECT quantity FROM reservation_lines l
                        WHERE l.reservation_id = \(bind: reservationID) AND l.product_id = products.id)
                    WHERE id IN (SELECT product_id FROM reservation_lines WHERE reservation_id = \(bind: reservationID))
                    """
                ).run()
                return (try await Self.load(checkoutID: checkoutID, lock: lockClause, db: db).unwrap(), true)
            }
            return (try await Self.load(checkoutID: checkoutID, lock: lockClause, db: db).unwrap(), false)
        }
        // Counted once committed: a rolled-back release returned nothing.
        ReservationMetrics.releases.increment(returned ? .returned : .alreadyReleased)
        return reservation
    }

    private static let columns = SQLQueryString("id, checkout_id, order_id, status, currency, total_minor, created_at")

    private static func load(checkoutID: String, lock: SQLQueryString, db: any SQLDatabase) async throws
        -> Reservation?
    {
        guard
            let row = try await db.raw(
                "SELECT \(columns) FROM reservations WHERE checkout_id = \(bind: checkoutID)\(lock)"
            ).first()
        else { return nil }
        return try await load([row], db: db).first
    }

    /// The reservations of `rows` (each with `columns`), in that order, with
    /// their lines read in one query for all of them.
    private static func load(_ rows: [any SQLRow], db: any SQLDatabase) async throws -> [Reservation] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
        var lines: [Int64: [Reservation.Line]] = [:]
        for line in try await db.raw(
            """
            SELECT reservation_id, product_id, name, quantity, unit_price_minor FROM reservation_lines
            WHERE reservation_id IN (\(binds: ids)) ORDER BY product_id
            """
        ).all() {
            lines[try line.decode(column: "reservation_id", as: Int64.self), default: []].append(
                Reservation.Line(
                    productID: try line.decode(column: "product_id", as: Int64.self),
                    name: try line.decode(column: "name", as: String.self),
                    quantity: try line.decode(column: "quantity", as: Int.self),
                    unitPriceMinor: try line.decode(column: "unit_price_minor", as: Int64.self)))
        }
        return try zip(ids, rows).map { id, row in
            Reservation(
                id: id,
                checkoutID: try row.decode(column: "checkout_id", as: String.self),
                orderID: try row.decode(column: "order_id", as: Int64?.self),
                status: try row.decode(state: "status"),
                currency: try row.decode(column: "currency", as: String?.self),
                totalMinor: try row.decode(column: "total_minor", as: Int64?.self),
                lines: lines[id] ?? [],
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }
}
