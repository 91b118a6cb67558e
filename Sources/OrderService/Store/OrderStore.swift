import Foundation
import SQLKit
import ShopPlatform

/// Carts and orders over SQLKit; the same queries run on PostgreSQL and SQLite.
///
/// Every cart change runs in a transaction that first locks the user's cart row
/// (PostgreSQL `FOR UPDATE`; SQLite serialises writers), so concurrent adds from
/// two tabs sum correctly and the per-line maximum holds.
struct OrderStore: Sendable {
    let database: ShopDatabase

    static let columns = SQLQueryString(
        "id, number, user_id, status, currency, total_minor, created_at, updated_at, placed_at, cancelled_at, checkout_id"
    )
    /// Excludes checkout attempts that were abandoned before being placed.
    static let notAbandoned: SQLQueryString = "(status <> \(Order.Status.cancelled) OR placed_at IS NOT NULL)"

    // MARK: Cart

    func cart(userID: Int64) async throws -> Order? {
        try await database.withConnection { db in
            guard
                let row = try await db.raw(
                    "SELECT \(Self.columns) FROM orders WHERE user_id = \(bind: userID) AND status = \(Order.Status.cart)"
                ).first()
            else { return nil }
            return try await Self.load(row, db: db)
        }
    }

    /// Adds `quantity` to the line (creating the cart and line as needed); the
    /// summed quantity must stay within `maxQuantity`.
    func add(userID: Int64, productID: Int64, quantity: Int, maxQuantity: Int) async throws -> Order {
        do {
            return try await attemptAdd(
                userID: userID, productID: productID, quantity: quantity, maxQuantity: maxQuantity)
        } catch  where ConstraintViolation.isUnique(error) {
            // Two first adds raced to create the cart; the other one won, so use it.
            return try await attemptAdd(
                userID: userID, productID: productID, quantity: quantity, maxQuantity: maxQuantity)
        }
    }

    private func attemptAdd(userID: Int64, productID: Int64, quantity: Int, maxQuantity: Int) async throws -> Order {
        let lock = database.rowLock
        let (order, opened) = try await database.transaction { db in
            // The cart and any pending checkout are locked together: a checkout that
            // turns the cart pending while this waits is then seen as pending, not as
            // "no cart" (which would insert a second cart for the checkout to collide
            // with if it falls back to the cart).
            let open = try await Self.lockedOpenOrders(userID: userID, lock: lock, db: db)
            if open.contains(where: { $0.status == .pending }) {
                throw ProblemError(
                    .conflict, "Your checkout is still being processed; try again in a moment",
                    retryAfter: 2)
            }
            let cartID: Int64
            let opened = open.first == nil
            if let cart = open.first {
                cartID = cart.id
            } else {
                cartID = try await Self.insertCart(userID: userID, db: db)
            }
            let existing =
                try await db.raw(
                    "SELECT quantity FROM order_lines WHERE order_id = \(bind: cartID) AND product_id = \(bind: productID)"
                ).first()?.decode(column: "quantity", as: Int.self) ?? 0
            guard existing + quantity <= maxQuantity else {
                throw ProblemError.validation([
                    .init(
                        field: "quantity",
                        message: "at most \(maxQuantity) of one product per order (you have \(existing))")
                ])
            }
            if existing == 0 {
                try await db.raw(
                    """
                    INSERT INTO order_lines (order_id, product_id, quantity, added_at)
                    VALUES (\(bind: cartID), \(bind: productID), \(bind: quantity), \(bind: Date()))
                    """
                ).run()
            } else {
                try await db.raw(
                    """
                    UPDATE order_lines SET quantity = \(bind: existing + quantity)
                    WHERE order_id = \(bind: cartID) AND product_id = \(bind: productID)
                    """
                ).run()
            }
            try await Self.touch(cartID, db: db)
            return (try await Self.load(id: cartID, db: db)!, opened)
        }
        // Counted once committed: a rolled-back add opened no cart.
        if opened { CheckoutMetrics.cartsCreated.increment() }
        return order
    }

    /// Sets a line's quantity; 0 removes it. Throws 404 when the line is not in the cart.
    func set(userID: Int64, productID: Int64, quantity: Int) async throws -> Order {
        let lock = database.rowLock
        return try await database.transaction { db in
            guard let cartID = try await Self.lockedCartID(userID: userID, lock: lock, db: db, create: false),
                try await db.raw(
                    "SELECT 1 AS present FROM order_lines WHERE order_id = \(bind: cartID) AND product_id = \(bind: productID)"
                ).first() != nil
            else { throw ProblemError.notFound("Product \(productID) is not in your cart") }
            if quantity == 0 {
                try await db.raw(
                    "DELETE FROM order_lines WHERE order_id = \(bind: cartID) AND product_id = \(bind: productID)"
                ).run()
            } else {
                try await db.raw(
                    """
                    UPDATE order_lines SET quantity = \(bind: quantity)
                    WHERE order_id = \(bind: cartID) AND product_id = \(bind: productID)
                    """
                ).run()
            }
            try await Self.touch(cartID, db: db)
            return try await Self.load(id: cartID, db: db)!
        }
    }

    func clear(userID: Int64) async throws {
        let lock = database.rowLock
        try await database.transaction { db in
            // Locked, so a checkout cannot turn the cart pending between reading and emptying it.
            guard let cartID = try await Self.lockedCartID(userID: userID, lock: lock, db: db, create: false) else {
                return
            }
            try await db.raw("DELETE FROM order_lines WHERE order_id = \(bind: cartID)").run()
            try await Self.touch(cartID, db: db)
        }
    }

    // MARK: Orders

    /// The order (never a cart) with this id; only `userID`'s unless nil (admin).
    /// Customers never see abandoned checkout attempts (cancelled, never placed).
    func order(id: Int64, userID: Int64?) async throws -> Order? {
        try await order(where: "id = \(bind: id)", userID: userID)
    }

    /// The order with this number (`MS-…`, any case), as `order(id:userID:)`.
    func order(number: String, userID: Int64?) async throws -> Order? {
        try await order(where: "number = \(bind: number.uppercased())", userID: userID)
    }

    private func order(where condition: SQLQueryString, userID: Int64?) async throws -> Order? {
        try await database.withConnection { db in
            let owner: SQLQueryString =
                userID.map { " AND user_id = \(bind: $0) AND \(Self.notAbandoned)" } ?? ""
            guard
                let row = try await db.raw(
                    "SELECT \(Self.columns) FROM orders WHERE \(condition)\(owner) AND status <> \(Order.Status.cart)"
                ).first()
            else { return nil }
            return try await Self.load(row, db: db)
        }
    }

    /// Orders newest first, with ids below `before`; carts only when asked for.
    func list(
        userID: Int64?, status: Order.Status?, before: Int64?, limit: Int, includeCarts: Bool = false,
        includeAbandoned: Bool = false
    ) async throws -> [Order] {
        try await database.withConnection { db in
            var query: SQLQueryString = "SELECT \(Self.columns) FROM orders WHERE "
            query += includeCarts ? "1 = 1" : "status <> \(Order.Status.cart)"
            if let userID, !includeAbandoned { query += " AND user_id = \(bind: userID) AND \(Self.notAbandoned)" }
            if let userID, includeAbandoned { query += " AND user_id = \(bind: userID)" }
            if let status { query += " AND status = \(bind: status.rawValue)" }
            if let before { query += " AND id < \(bind: before)" }
            query += " ORDER BY id DESC LIMIT \(bind: limit)"
            var orders: [Order] = []
            for row in try await db.raw(query).all() { orders.append(try await Self.load(row, db: db)) }
            return orders
        }
    }

    // MARK: Shared helpers

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
            checkoutID: try row.decode(column: "checkout_id", as: String?.self))
    }
}

/// Human-facing order numbers: `MS-` and eight characters that cannot be
/// misread (no 0/O, 1/I/L).
enum OrderNumber {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return "MS-" + String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
