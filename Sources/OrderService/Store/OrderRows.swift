import Foundation
import SQLKit
import ShopPlatform

/// Reading and locking order rows inside a transaction, shared by the cart's
/// store (`OrderStore`) and checkout's (`CheckoutStore`): the one place that
/// knows how an `Order` is read back, and how a user's cart is found and locked.
enum OrderRows {
    /// Qualified, so that they stay unambiguous beside `order_lines` (`loadOne`).
    static let columns = SQLQueryString(
        """
        orders.id, orders.number, orders.user_id, orders.status, orders.currency, orders.total_minor,
        orders.created_at, orders.updated_at, orders.placed_at, orders.cancelled_at, orders.checkout_id,
        orders.expected_total_minor, orders.expected_currency
        """)
    /// Excludes checkout attempts that were abandoned before being placed.
    static let notAbandoned: SQLQueryString =
        "(orders.status <> \(Order.Status.cancelled) OR orders.placed_at IS NOT NULL)"

    /// The user's cart id, locked for this transaction; created when asked.
    static func lockedCartID(userID: Int64, lock: SQLQueryString, db: any SQLDatabase, create: Bool) async throws
        -> Int64?
    {
        if let row = try await db.raw(
            "SELECT id FROM orders WHERE user_id = \(bind: userID) AND status = \(Order.Status.cart)\(lock)"
        ).first() {
            return try row.decode(column: "id", as: Int64.self)
        }
        guard create else { return nil }
        return try await insertCart(userID: userID, db: db)
    }

    /// The user's cart and pending checkouts, locked for this transaction. A row
    /// that changes between the two while this waits is still matched (PostgreSQL
    /// re-checks the new version against the condition), with its new status.
    static func lockedOpenOrders(userID: Int64, lock: SQLQueryString, db: any SQLDatabase) async throws
        -> [(id: Int64, status: Order.Status)]
    {
        try await db.raw(openOrders(userID: userID, lock: lock)).all().map { row in
            (try row.decode(column: "id", as: Int64.self), try row.decode(state: "status"))
        }
    }

    /// `lockedOpenOrders`' query. Its condition on status is the one of the
    /// `orders_open_by_user` index, so the database reads the user's open orders
    /// only, not their whole order history.
    static func openOrders(userID: Int64, lock: SQLQueryString) -> SQLQueryString {
        """
        SELECT id, status FROM orders WHERE user_id = \(bind: userID) AND status IN (\(Order.Status.cart), \(Order.Status.pending))
        ORDER BY id\(lock)
        """
    }

    /// The user's cart id (nil: none yet), locked with any checkout of theirs
    /// in progress, for a change to the cart. While a checkout runs, the change
    /// is refused: it would otherwise be lost or undone when the checkout puts
    /// the lines back, or be answered as if there were no cart.
    static func lockedCartForChange(userID: Int64, lock: SQLQueryString, db: any SQLDatabase) async throws -> Int64? {
        var open = try await lockedOpenOrders(userID: userID, lock: lock, db: db)
        if open.isEmpty, db.dialect.name == "postgresql" {
            // The checkout this waited for may have been set aside meanwhile, its
            // lines moved to a cart created after this statement began (PostgreSQL
            // re-checks the locked row, now cancelled, and sees no newer one): a
            // new statement sees that cart. SQLite's writers take turns whole
            // (`BEGIN IMMEDIATE`), so there a first add is one query, not two.
            open = try await lockedOpenOrders(userID: userID, lock: lock, db: db)
        }
        if open.contains(where: { $0.status == .pending }) { throw checkoutInProgress }
        return open.first { $0.status == .cart }?.id
    }

    static let checkoutInProgress = ProblemError(
        .conflict, "Your checkout is still being processed; try again in a moment", retryAfter: 2)

    static func insertCart(userID: Int64, db: any SQLDatabase) async throws -> Int64 {
        let now = Date()
        guard
            let row = try await db.raw(
                """
                INSERT INTO orders (number, user_id, status, created_at, updated_at)
                VALUES (\(bind: OrderNumber.make()), \(bind: userID), \(Order.Status.cart), \(bind: now), \(bind: now))
                RETURNING id
                """
            ).first()
        else { throw ProblemError(.internalServerError, "creating a cart returned no row") }
        return try row.decode(column: "id", as: Int64.self)
    }

    static func touch(_ orderID: Int64, db: any SQLDatabase) async throws {
        try await db.raw("UPDATE orders SET updated_at = \(bind: Date()) WHERE id = \(bind: orderID)").run()
    }

    static func load(id: Int64, db: any SQLDatabase) async throws -> Order? {
        try await loadOne(where: "orders.id = \(bind: id)", db: db)
    }

    /// The one order matching `condition` (on `orders.` columns), read with its
    /// lines in a single query: a cart or order read is one round trip, which
    /// on SQLite is one statement preparation and one thread-pool hop.
    static func loadOne(where condition: SQLQueryString, db: any SQLDatabase) async throws -> Order? {
        let rows = try await db.raw(
            """
            SELECT \(columns), order_lines.product_id, order_lines.quantity, order_lines.name,
                order_lines.unit_price_minor
            FROM orders LEFT JOIN order_lines ON order_lines.order_id = orders.id
            WHERE \(condition) ORDER BY order_lines.added_at, order_lines.product_id
            """
        ).all()
        guard let first = rows.first else { return nil }
        var order = try header(first)
        for row in rows {
            guard try row.decode(column: "id", as: Int64.self) == order.id, let line = try line(row) else { continue }
            order.lines.append(line)
        }
        return order
    }

    /// The orders of `rows` (each with `columns`), in that order, with their
    /// lines read in one more query for all of them, not one per order.
    static func load(_ rows: [any SQLRow], db: any SQLDatabase) async throws -> [Order] {
        var orders = try rows.map(header)
        guard !orders.isEmpty else { return [] }
        var lines: [Int64: [Order.Line]] = [:]
        for row in try await db.raw(
            """
            SELECT order_id, product_id, quantity, name, unit_price_minor FROM order_lines
            WHERE order_id IN (\(binds: orders.map(\.id))) ORDER BY added_at, product_id
            """
        ).all() {
            if let line = try line(row) {
                lines[try row.decode(column: "order_id", as: Int64.self), default: []].append(line)
            }
        }
        for index in orders.indices { orders[index].lines = lines[orders[index].id] ?? [] }
        return orders
    }

    /// An order's own columns, without its lines.
    private static func header(_ row: any SQLRow) throws -> Order {
        Order(
            id: try row.decode(column: "id", as: Int64.self),
            number: try row.decode(column: "number", as: String.self),
            userID: try row.decode(column: "user_id", as: Int64.self),
            status: try row.decode(state: "status"),
            currency: try row.decode(column: "currency", as: String?.self),
            totalMinor: try row.decode(column: "total_minor", as: Int64?.self),
            lines: [],
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            placedAt: try row.decode(column: "placed_at", as: Date?.self),
            cancelledAt: try row.decode(column: "cancelled_at", as: Date?.self),
            checkoutID: try row.decode(column: "checkout_id", as: String?.self),
            expectedTotal: try Self.expectedTotal(row))
    }

    /// A line, or nil for the empty side of an order without lines.
    private static func line(_ row: any SQLRow) throws -> Order.Line? {
        guard let productID = try row.decode(column: "product_id", as: Int64?.self) else { return nil }
        return Order.Line(
            productID: productID,
            quantity: try row.decode(column: "quantity", as: Int.self),
            name: try row.decode(column: "name", as: String?.self),
            unitPriceMinor: try row.decode(column: "unit_price_minor", as: Int64?.self))
    }

    private static func expectedTotal(_ row: any SQLRow) throws -> Money? {
        guard let minor = try row.decode(column: "expected_total_minor", as: Int64?.self) else { return nil }
        return Money(minorUnits: minor, currency: try row.decode(column: "expected_currency", as: String.self))
    }
}
