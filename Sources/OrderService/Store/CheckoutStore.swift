import Foundation
import SQLKit
import ShopPlatform

/// The order state transitions of checkout and cancellation; the records that
/// make a replayed checkout answer its first result are in
/// `CheckoutStore+IdempotencyKeys.swift`.
///
/// Every transition is a conditional update on the current status, so the
/// request path and the reconciler can race without double-placing or
/// double-releasing: whoever flips the status first wins, the other sees no row.
struct CheckoutStore: Sendable {
    let database: ShopDatabase

    enum Begin: Sendable {
        case started(Order)
        case replay(IdempotencyRecord)
        case noCart
        case emptyCart
        /// The cart is in another checkout under another key, or was a moment ago.
        case inProgress
    }

    /// Moves the user's cart to `pending` with the total the customer expects
    /// (nil: none named) and records the key, atomically; or finds the record
    /// of an earlier attempt with that key.
    func begin(userID: Int64, key: String, expecting expected: Money? = nil) async throws -> Begin {
        let lock = database.rowLock
        do {
            return try await database.transaction { db in
                if let record = try await Self.record(userID: userID, key: key, db: db) { return .replay(record) }
                guard let cartID = try await OrderRows.lockedCartID(userID: userID, lock: lock, db: db, create: false)
                else {
                    // A request with the same key may have held the cart's lock and
                    // committed while we waited (PostgreSQL re-reads the row, finds it
                    // pending, and skips it): its record is visible now.
                    if let record = try await Self.record(userID: userID, key: key, db: db) { return .replay(record) }
                    // Another key's checkout has the cart, or had it and has just put
                    // its lines back (PostgreSQL skipped the row while it was pending):
                    // not "no cart", but a moment to wait.
                    if try await !OrderRows.lockedOpenOrders(userID: userID, lock: "", db: db).isEmpty {
                        return .inProgress
                    }
                    return .noCart
                }
                guard var cart = try await OrderRows.load(id: cartID, db: db), !cart.lines.isEmpty else {
                    return .emptyCart
                }
                let now = Date()
                // Every attempt reserves under a new id, so nothing an earlier attempt
                // (or anyone else) reserved can be mistaken for this one's.
                let checkoutID = UUID().uuidString.lowercased()
                try await db.raw(
                    """
                    UPDATE orders SET status = \(Order.Status.pending), checkout_id = \(bind: checkoutID),
                        expected_total_minor = \(bind: expected?.minorUnits), expected_currency = \(bind: expected?.currency),
                        pending_since = \(bind: now), updated_at = \(bind: now)
                    WHERE id = \(bind: cartID) AND status = \(Order.Status.cart)
                    """
                ).run()
                try await db.raw(
                    """
                    INSERT INTO idempotency_keys (user_id, key, order_id, created_at)
                    VALUES (\(bind: userID), \(bind: key), \(bind: cartID), \(bind: now))
                    """
                ).run()
                cart.status = .pending
                cart.checkoutID = checkoutID
                cart.expectedTotal = expected
                return .started(cart)
            }
        } catch  where ConstraintViolation.isUnique(error) {
            // The same key raced in from a second request: report that attempt.
            guard
                let record = try await database.withConnection({
                    try await Self.record(userID: userID, key: key, db: $0)
                })
            else { throw error }
            return .replay(record)
        }
    }

    /// `pending` → `placed` with the reserved names, prices and total, if the
    /// reservation is the one of the order's current attempt and comes to the
    /// total its customer confirmed, if any. Nil when the order was no longer
    /// pending on that attempt (the reconciler or another request got there
    /// first), or the total differs: callers check it first (`comesTo`), so
    /// this is the invariant's last line, not a path.
    func place(orderID: Int64, reservation: ReservedStock) async throws -> Order? {
        try await database.transaction { db in
            let now = Date()
            guard
                try await db.raw(
                    """
                    UPDATE orders SET status = \(Order.Status.placed), currency = \(bind: reservation.currency),
                        total_minor = \(bind: reservation.totalMinor), placed_at = \(bind: now), updated_at = \(bind: now),
                        pending_since = NULL
                    WHERE id = \(bind: orderID) AND status = \(Order.Status.pending) AND checkout_id = \(bind: reservation.checkoutId)
                        AND (expected_total_minor IS NULL OR (expected_total_minor = \(bind: reservation.totalMinor)
                            AND expected_currency = \(bind: reservation.currency)))
                    RETURNING id
                    """
                ).first() != nil
            else { return nil }
            // Every line's snapshot in one statement, whatever the order's size.
            let names = reservation.lines.map { "WHEN \(bind: $0.productId) THEN \(bind: $0.name)" as SQLQueryString }
            let prices = reservation.lines.map {
                "WHEN \(bind: $0.productId) THEN \(bind: $0.unitPriceMinor)" as SQLQueryString
            }
            if !reservation.lines.isEmpty {
                try await db.raw(
                    """
                    UPDATE order_lines SET name = CASE product_id \(names.joined(separator: " ")) ELSE name END,
                        unit_price_minor = CASE product_id \(prices.joined(separator: " ")) ELSE unit_price_minor END
                    WHERE order_id = \(bind: orderID)
                    """
                ).run()
            }
            return try await OrderRows.load(id: orderID, db: db)
        }
    }

    /// `pending` → `cart`, for a checkout that reserved nothing. False when the
    /// order was no longer pending (the reconciler got there first).
    ///
    /// Adds refuse while a checkout is pending, so the user has no other cart. Should
    /// one exist anyway, the attempt's lines are folded into it (a line in both keeps
    /// the larger quantity) and the attempt is set aside as abandoned: a user never
    /// ends up with two carts, nor with a pending order that cannot go back.
    /// With `answer`, the key's response is kept in the same transaction, as
    /// `abandon` keeps it.
    @discardableResult
    func revertToCart(orderID: Int64, answer: Answer? = nil) async throws -> Bool {
        let lock = database.rowLock
        return try await database.transaction { db in
            guard let order = try await OrderRows.load(id: orderID, db: db), order.status == .pending else {
                return false
            }
            let now = Date()
            let open = try await OrderRows.lockedOpenOrders(userID: order.userID, lock: lock, db: db)
            guard open.contains(where: { $0.id == orderID && $0.status == .pending }) else { return false }
            guard let cartID = open.first(where: { $0.status == .cart })?.id else {
                try await db.raw(
                    """
                    UPDATE orders SET status = \(Order.Status.cart), pending_since = NULL, updated_at = \(bind: now),
                        expected_total_minor = NULL, expected_currency = NULL
                    WHERE id = \(bind: orderID) AND status = \(Order.Status.pending)
                    """
                ).run()
                if let answer { try await Self.keep(answer, userID: order.userID, db: db) }
                return true
            }
            try await Self.copyLines(of: order, into: cartID, at: now, db: db)
            try await db.raw(
                """
                UPDATE orders SET status = \(Order.Status.cancelled), cancelled_at = \(bind: now), pending_since = NULL,
                    updated_at = \(bind: now)
                WHERE id = \(bind: orderID) AND status = \(Order.Status.pending)
                """
            ).run()
            if let answer { try await Self.keep(answer, userID: order.userID, db: db) }
            return true
        }
    }

    /// For a checkout attempt that ends without being placed while its
    /// reservation may exist: the attempt becomes a cancelled, never-placed order
    /// that owes its release (`needs_release`), and the user gets a fresh cart with
    /// the same lines. Done *before* releasing, so that nothing can place the
    /// attempt once its stock is back on sale; the caller (or the reconciler)
    /// then releases. False when the order was no longer pending.
    /// With `answer`, the key's response is kept in the same transaction: a
    /// retry of the key never finds the attempt set aside without it.
    @discardableResult
    func abandon(orderID: Int64, answer: Answer? = nil, forgetting key: String? = nil) async throws -> Bool {
        try await database.transaction { db in
            guard let order = try await OrderRows.load(id: orderID, db: db), order.status == .pending else {
                return false
            }
            let now = Date()
            guard
                try await db.raw(
                    """
                    UPDATE orders SET status = \(Order.Status.cancelled), needs_release = \(bind: true), cancelled_at = \(bind: now),
                        pending_since = NULL, updated_at = \(bind: now)
                    WHERE id = \(bind: orderID) AND status = \(Order.Status.pending)
                    RETURNING id
                    """
                ).first() != nil
            else { return false }
            let cartID = try await OrderRows.lockedCartID(userID: order.userID, lock: "", db: db, create: true)!
            try await Self.copyLines(of: order, into: cartID, at: now, db: db)
            if let answer { try await Self.keep(answer, userID: order.userID, db: db) }
            if let key { try await Self.forget(userID: order.userID, key: key, db: db) }
            return true
        }
    }

    /// Abandoned attempts and cancelled orders whose reservation still has to be
    /// released, with the attempt that holds it.
    func ordersNeedingRelease(limit: Int) async throws -> [(orderID: Int64, checkoutID: String)] {
        try await database.withConnection { db in
            try await db.raw(
                "SELECT id, checkout_id FROM orders WHERE needs_release ORDER BY id LIMIT \(bind: limit)"
            ).all().map { row in
                let id = try row.decode(column: "id", as: Int64.self)
                return (
                    id,
                    Order.reservationKey(
                        orderID: id, checkoutID: try row.decode(column: "checkout_id", as: String?.self))
                )
            }
        }
    }

    func markReleased(orderID: Int64) async throws {
        try await database.withConnection { db in
            try await db.raw("UPDATE orders SET needs_release = \(bind: false) WHERE id = \(bind: orderID)").run()
        }
    }

    /// `placed` → `cancelled` with its stock owed back (`needs_release`), in one
    /// write: once cancelled, the release is the reconciler's to finish whatever
    /// happens next. False when it was not placed (already cancelled, or never).
    func cancel(orderID: Int64) async throws -> Bool {
        try await database.withConnection { db in
            let now = Date()
            return try await db.raw(
                """
                UPDATE orders SET status = \(Order.Status.cancelled), needs_release = \(bind: true), cancelled_at = \(bind: now),
                    updated_at = \(bind: now)
                WHERE id = \(bind: orderID) AND status = \(Order.Status.placed)
                RETURNING id
                """
            ).first() != nil
        }
    }

    /// The order with this id, whatever its status (carts included).
    func order(id: Int64) async throws -> Order? {
        try await database.withConnection { try await OrderRows.load(id: id, db: $0) }
    }

    /// Leases up to `limit` orders pending since before `cutoff` to this replica by
    /// bumping `pending_since`, so other replicas leave them alone for a while.
    func claimStalePending(cutoff: Date, limit: Int) async throws -> [Order] {
        let query = stalePending(cutoff: cutoff, limit: limit)
        return try await database.transaction { db in
            let rows = try await db.raw(query).all()
            let orders = try await OrderRows.load(rows, db: db)
            guard !orders.isEmpty else { return [] }
            try await db.raw(
                "UPDATE orders SET pending_since = \(bind: Date()) WHERE id IN (\(binds: orders.map(\.id)))"
            ).run()
            return orders
        }
    }

    /// `claimStalePending`'s query, run by every replica's reconciler on every
    /// round: the longest pending first, read through `orders_pending`. In id
    /// order SQLite walked the whole orders table by id to spare itself a sort
    /// (at the reconciler's batch of 20), though almost no order is pending.
    func stalePending(cutoff: Date, limit: Int) -> SQLQueryString {
        """
        SELECT \(OrderRows.columns) FROM orders
        WHERE status = \(Order.Status.pending) AND pending_since < \(bind: cutoff)
        ORDER BY pending_since, id LIMIT \(bind: limit)\(database.rowLockSkippingLocked)
        """
    }

    /// An attempt's lines into a cart, in one statement; a line already there
    /// keeps the larger quantity.
    private static func copyLines(of order: Order, into cartID: Int64, at now: Date, db: any SQLDatabase) async throws {
        guard !order.lines.isEmpty else { return }
        let values = order.lines.map {
            "(\(bind: cartID), \(bind: $0.productID), \(bind: $0.quantity), \(bind: now))" as SQLQueryString
        }
        try await db.raw(
            """
            INSERT INTO order_lines (order_id, product_id, quantity, added_at)
            VALUES \(values.joined(separator: ", "))
            ON CONFLICT (order_id, product_id) DO UPDATE
            SET quantity = CASE WHEN excluded.quantity > order_lines.quantity
                THEN excluded.quantity ELSE order_lines.quantity END
            """
        ).run()
    }
}
