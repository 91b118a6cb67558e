import Foundation
import SQLKit
import ShopPlatform

/// Reading and locking order rows inside a transaction, shared by the cart's
/// store (`OrderStore`) and checkout's (`CheckoutStore`): the one place that
/// knows how an `Order` is read back, and how a user's cart is found and locked.
enum OrderRows {
    static let columns = SQLQueryString(
        "id, number, user_id, status, currency, total_minor, created_at, updated_at, placed_at, cancelled_at, checkout_id, "
            + "expected_total_minor, expected_currency"
    )
    /// Excludes checkout attempts that were abandoned before being placed.
    static let notAbandoned: SQLQueryString = "(status <> \(Order.Status.cancelled) OR placed_at IS NOT NULL)"

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
        try await db.raw(
            """
            SELECT id, status FROM orders WHERE user_id = \(bind: userID) AND status IN (\(Order.Status.cart), \(Order.Status.pending))
            ORDER BY id\(lock)
            """
        ).all().map { row in
            (try row.decode(column: "id", as: Int64.self), try row.decode(state: "status"))
        }
    }

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
        guard let row = try await db.raw("SELECT \(columns) FROM orders WHERE id = \(bind: id)").first() else {
            return nil
        }
        return try await load(row, db: db)
    }

    static func load(_ row: any SQLRow, db: any SQLDatabase) async throws -> Order {
        let id = try row.decode(column: "id", as: Int64.self)
        let lines = try await db.raw(
            """
            SELECT product_id, quantity, name, unit_price_minor FROM order_lines
            WHERE order_id = \(bind: id) ORDER BY added_at, product_id
            """
        ).all().map { line in
            Order.Line(
                productID: try line.decode(column: "product_id", as: Int64.self),
                quantity: try line.decode(column: "quantity", as: Int.self),
                name: try line.decode(column: "name", as: String?.self),
                unitPriceMinor: try line.decode(column: "unit_price_minor", as: Int64?.self))
        }
        return Order(
            id: id,
            number: try row.decode(column: "number", as: String.self),
            userID: try row.decode(column: "user_id", as: Int64.self),
            status: try row.decode(state: "status"),
            currency: try row.decode(column: "currency", as: String?.self),
            totalMinor: try row.decode(column: "total_minor", as: Int64?.self),
            lines: lines,
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            placedAt: try row.decode(column: "placed_at", as: Date?.self),
            cancelledAt: try row.decode(column: "cancelled_at", as: Date?.self),
            checkoutID: try row.decode(column: "checkout_id", as: String?.self),
            expectedTotal: try Self.expectedTotal(row))
    }

    private static func expectedTotal(_ row: any SQLRow) throws -> Money? {
        guard let minor = try row.decode(column: "expected_total_minor", as: Int64?.self) else { return nil }
        return Money(minorUnits: minor, currency: try row.decode(column: "expected_currency", as: String.self))
    }
}
