import Foundation
import Logging
import ServiceLifecycle
import ShopPlatform

/// Finishes what checkouts and cancellations left undone, so that stock and
/// orders agree whatever crashed or timed out.
///
/// Every `interval`, on every replica:
/// 1. **Owed releases.** Abandoned attempts and cancelled orders flagged
///    `needs_release` have their reservation released.
/// 2. **Stale pending orders.** Orders pending for longer than `grace` are leased
///    to this replica (by bumping `pending_since`, so replicas split the work) and
///    settled from their attempt's reservation: held for exactly the order's lines
///    at the total its customer confirmed, if they named one → placed with those
///    prices; anything else (a price changed meanwhile, too) → the attempt is set aside as
///    owing its release, the user gets a cart with its lines, and the attempt is
///    released (which also stops a reserve still in flight).
/// 3. **Orphans.** product-service's live reservations are walked oldest first
///    from a cursor kept in the database; one older than `grace` whose attempt no
///    pending or placed order stands on is released.
/// If product-service is down, nothing changes and the next round tries again.
struct Reconciler: Service {
    let store: CheckoutStore
    let catalog: ProductCatalogClient
    let interval: Duration
    let grace: Duration
    let logger: Logger
    static let batch = 20

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    await reconcileOnce()
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }

    /// One round; returns how many orders and reservations it resolved.
    @discardableResult
    func reconcileOnce() async -> Int {
        let cutoff = Date().addingTimeInterval(-TimeInterval(grace.components.seconds))
        let resolved = await releaseOwed() + settleStalePending(cutoff: cutoff) + releaseOrphans(cutoff: cutoff)
        if let backlog = try? await store.stalePendingCount(cutoff: cutoff) {
            CheckoutMetrics.backlog.record(backlog)
        }
        return resolved
    }

    private func releaseOwed() async -> Int {
        var resolved = 0
        for owed in (try? await store.ordersNeedingRelease(limit: Self.batch)) ?? [] {
            do {
                try await catalog.release(checkoutID: owed.checkoutID)
                try await store.markReleased(orderID: owed.orderID)
                CheckoutMetrics.reconcilerActions.increment(.released)
                resolved += 1
            } catch {
                logger.debug("reservation not released yet", metadata: ["order": "\(owed.orderID)"])
            }
        }
        return resolved
    }

    private func settleStalePending(cutoff: Date) async -> Int {
        guard let stale = try? await store.claimStalePending(cutoff: cutoff, limit: Self.batch) else { return 0 }
        var resolved = 0
        for order in stale {
            do {
                let checkoutID = order.reservationKey
                if let reservation = try await catalog.reservation(checkoutID: checkoutID), reservation.holds(order) {
                    if try await store.place(orderID: order.id, reservation: reservation) != nil {
                        CheckoutMetrics.reconcilerActions.increment(.placed)
                        logger.notice("reconciler placed a pending order", metadata: ["order": "\(order.id)"])
                    }
                } else if try await store.abandon(orderID: order.id) {
                    // Out of `pending` first, so that a checkout still running cannot
                    // place it; then the stock goes back.
                    try await catalog.release(checkoutID: checkoutID)
                    try await store.markReleased(orderID: order.id)
                    CheckoutMetrics.reconcilerActions.increment(.returnedToCart)
                    logger.notice("reconciler returned a pending order to the cart", metadata: ["order": "\(order.id)"])
                }
                resolved += 1
            } catch {
                logger.warning(
                    "reconciler could not resolve order yet", metadata: ["order": "\(order.id)", "error": "\(error)"])
            }
        }
        return resolved
    }

    /// Checks one page of live reservations past the cursor. The cursor stops at
    /// the first reservation younger than `grace`: a reservation committed late
    /// under a lower id would have to be older than `grace`, which no reserve
    /// transaction outlives.
    private func releaseOrphans(cutoff: Date) async -> Int {
        do {
            let cursor = try await store.sweepCursor()
            let page = try await catalog.liveReservations(after: cursor, limit: Self.batch * 5)
            let settled = page.prefix { $0.createdAt < cutoff }
            let inUse = try await store.attemptsInUse(settled.map(\.checkoutId))
            var released = 0
            var last = cursor
            for reservation in settled {
                if !inUse.contains(reservation.checkoutId) {
                    try await catalog.release(checkoutID: reservation.checkoutId)
                    released += 1
                    logger.notice(
                        "reconciler released an orphaned reservation",
                        metadata: ["checkout": "\(reservation.checkoutId)", "order": "\(reservation.orderId ?? 0)"])
                }
                last = reservation.id
            }
            if last > cursor { try await store.advanceSweep(to: last) }
            CheckoutMetrics.reconcilerActions.increment(.orphanReleased, by: released)
            return released
        } catch {
            logger.debug("orphan sweep postponed", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
