import Foundation
import Logging
import ServiceLifecycle
import ShopPlatform

/// Resolves orders left `pending` by a crash or an unreachable product-service.
///
/// Every `interval` it leases orders pending for longer than `grace` (so several
/// replicas split the work instead of repeating it) and asks product-service for
/// the order's reservation: reserved → the order is placed with those prices;
/// released or never made → the order goes back to the cart. If product-service
/// is still down the lease simply runs out and the next round tries again.
/// It also releases the reservations of abandoned checkout attempts.
struct Reconciler: Service {
    let store: CheckoutStore
    let catalog: ProductCatalogClient
    let interval: Duration
    let grace: Duration
    let logger: Logger

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

    /// One round; returns how many orders it resolved.
    @discardableResult
    func reconcileOnce() async -> Int {
        var resolved = 0
        for orderID in (try? await store.ordersNeedingRelease(limit: 20)) ?? [] {
            do {
                try await catalog.release(orderID: orderID)
                try await store.markReleased(orderID: orderID)
                resolved += 1
            } catch {
                logger.debug("reservation not released yet", metadata: ["order": "\(orderID)"])
            }
        }
        let cutoff = Date().addingTimeInterval(-TimeInterval(grace.components.seconds))
        guard let stale = try? await store.claimStalePending(cutoff: cutoff, limit: 20), !stale.isEmpty else {
            return resolved
        }
        for order in stale {
            do {
                if let reservation = try await catalog.reservation(orderID: order.id), reservation.status == "reserved"
                {
                    if try await store.place(orderID: order.id, reservation: reservation) != nil {
                        Checkout.placedCounter.increment()
                        logger.notice("reconciler placed a pending order", metadata: ["order": "\(order.id)"])
                    }
                } else {
                    try await store.revertToCart(orderID: order.id)
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
}
