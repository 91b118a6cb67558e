import Foundation
import SQLKit
import ShopPlatform

/// What the reconciler's sweeps need from order-service's database:
/// which checkout attempts an order still stands on, and how far the sweep got.
extension CheckoutStore {
    /// Of these checkout attempts, those an order still stands on: pending (the
    /// reconciler settles it) or placed. Any other reservation is an orphan.
    func attemptsInUse(_ checkoutIDs: [String]) async throws -> Set<String> {
        guard !checkoutIDs.isEmpty else { return [] }
        return try await database.withConnection { db in
            Set(
                try await db.raw(
                    """
                    SELECT checkout_id FROM orders
                    WHERE checkout_id IN (\(binds: checkoutIDs)) AND status IN (\(Order.Status.pending), \(Order.Status.placed))
                    """
                ).all().map { try $0.decode(column: "checkout_id", as: String.self) })
        }
    }

    /// How far the orphan sweep has checked product-service's live reservations.
    func sweepCursor() async throws -> Int64 {
        try await database.withConnection { db in
            try await db.raw("SELECT last_id FROM reservation_sweep WHERE name = 'reservations'").first()?
                .decode(column: "last_id", as: Int64.self) ?? 0
        }
    }

    /// Moves the sweep cursor forward (never back, whichever replica is behind).
    func advanceSweep(to lastID: Int64) async throws {
        try await database.withConnection { db in
            try await db.raw(
                """
                INSERT INTO reservation_sweep (name, last_id) VALUES ('reservations', \(bind: lastID))
                ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id
                WHERE reservation_sweep.last_id < excluded.last_id
                """
            ).run()
        }
    }

    /// Orders pending since before `cutoff`: the reconciler's backlog. Counted
    /// from `updated_at` (set when the order went pending), not `pending_since`,
    /// which the reconciler's lease moves forward on every order it claims.
    func stalePendingCount(cutoff: Date) async throws -> Int {
        try await database.withConnection { db in
            try await db.raw(
                "SELECT COUNT(*) AS stale FROM orders WHERE status = \(Order.Status.pending) AND updated_at < \(bind: cutoff)"
            ).first()?.decode(column: "stale", as: Int.self) ?? 0
        }
    }
}
