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

    // MARK: Cart

    func cart(userID: Int64) async throws -> Order? {
        try await database.withConnection { db in
            try await OrderRows.loadOne(
                where: "orders.user_id = \(bind: userID) AND orders.status = \(Order.Status.cart)", db: db)
        }
    }

    /// The most different products one order holds: product-service reserves at
    /// most this many lines for one checkout, so a larger cart could never be
    /// checked out.
    static let maxLines = 100

    /// Adds `quantity` to the line (creating the cart and line as needed); the
    /// summed quantity must stay within `maxQuantity`, the lines within `maxLines`.
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
            let cart = try await OrderRows.lockedCartForChange(userID: userID, lock: lock, db: db)
            let opened = cart == nil
            let cartID: Int64
            if let cart {
                cartID = cart
            } else {
                cartID = try await OrderRows.insertCart(userID: userID, db: db)
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
            if existing == 0, !opened {
                let lines =
                    try await db.raw("SELECT COUNT(*) AS n FROM order_lines WHERE order_id = \(bind: cartID)")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                guard lines < Self.maxLines else {
                    throw ProblemError.validation([
                        .init(
                            field: "product_id",
                            message: "an order holds at most \(Self.maxLines) different products")
                    ])
                }
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
            try await OrderRows.touch(cartID, db: db)
            return (try await OrderRows.load(id: cartID, db: db)!, opened)
        }
        // Counted once committed: a rolled-back add opened no cart.
        if opened { CheckoutMetrics.cartsCreated.increment() }
        return order
    }

    /// Sets a line's quantity; 0 removes it. Throws 404 when the line is not in
    /// the cart, 409 while a checkout of it runs.
    func set(userID: Int64, productID: Int64, quantity: Int) async throws -> Order {
        let lock = database.rowLock
        return try await database.transaction { db in
            guard let cartID = try await OrderRows.lockedCartForChange(userID: userID, lock: lock, db: db),
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
            try await OrderRows.touch(cartID, db: db)
            return try await OrderRows.load(id: cartID, db: db)!
        }
    }

    /// Empties the cart; 409 while a checkout of it runs (the checkout would put
    /// the lines back).
    func clear(userID: Int64) async throws {
        let lock = database.rowLock
        try await database.transaction { db in
            // Locked, so a checkout cannot turn the cart pending between reading and emptying it.
            guard let cartID = try await OrderRows.lockedCartForChange(userID: userID, lock: lock, db: db) else {
                return
            }
            try await db.raw("DELETE FROM order_lines WHERE order_id = \(bind: cartID)").run()
            try await OrderRows.touch(cartID, db: db)
        }
    }

    // MARK: Orders

    /// The order (never a cart) with this id; only `userID`'s unless nil (admin).
    /// Customers never see abandoned checkout attempts (cancelled, never placed).
    func order(id: Int64, userID: Int64?) async throws -> Order? {
        try await order(where: "orders.id = \(bind: id)", userID: userID)
    }

    /// The order with this number (`MS-…`, any case), as `order(id:userID:)`.
    func order(number: String, userID: Int64?) async throws -> Order? {
        try await order(where: "orders.number = \(bind: number.uppercased())", userID: userID)
    }

    private func order(where condition: SQLQueryString, userID: Int64?) async throws -> Order? {
        try await database.withConnection { db in
            let owner: SQLQueryString =
                userID.map { " AND orders.user_id = \(bind: $0) AND \(OrderRows.notAbandoned)" } ?? ""
            return try await OrderRows.loadOne(
                where: "\(condition)\(owner) AND orders.status <> \(Order.Status.cart)", db: db)
        }
    }

    /// Every order, newest first, read a page at a time (the original `/api/orders`).
    /// Checkout attempts set aside unplaced are left out: in that contract an
    /// order that is not open was checked out.
    func everyOrder(includeCarts: Bool) async throws -> [Order] {
        var orders: [Order] = []
        var before: Int64?
        while true {
            let page = try await list(
                userID: nil, status: nil, before: before, limit: 500, includeCarts: includeCarts)
            orders += page
            guard page.count == 500, let last = page.last else { return orders }
            before = last.id
        }
    }

    /// Orders newest first, with ids below `before`; carts only when asked for.
    func list(
        userID: Int64?, status: Order.Status?, before: Int64?, limit: Int, includeCarts: Bool = false,
        includeAbandoned: Bool = false
    ) async throws -> [Order] {
        try await database.withConnection { db in
            var query: SQLQueryString = "SELECT \(OrderRows.columns) FROM orders WHERE "
            query += includeCarts ? "1 = 1" : "status <> \(Order.Status.cart)"
            if let userID { query += " AND user_id = \(bind: userID)" }
            if !includeAbandoned { query += " AND \(OrderRows.notAbandoned)" }
            if let status { query += " AND status = \(status)" }
            if let before { query += " AND id < \(bind: before)" }
            query += " ORDER BY id DESC LIMIT \(bind: limit)"
            return try await OrderRows.load(try await db.raw(query).all(), db: db)
        }
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
