import Logging
import ShopPlatform

/// Cancelling a placed order.
///
/// The order becomes `cancelled` and owes its stock back (`needs_release`) in one
/// write, then the stock is released. A failure after the write leaves a cancelled
/// order still owing stock, which the reconciler releases: the stock can come back
/// late, but never twice and never for an order that still stands.
struct Cancellation: Sendable {
    let store: CheckoutStore
    let orders: OrderStore
    let catalog: ProductCatalogClient
    let logger: Logger

    /// Idempotent: cancelling a cancelled order answers it as it is.
    func cancel(_ order: Order, requestID: String?) async throws -> Order {
        guard order.status == .placed || order.status == .cancelled else {
            throw ProblemError.conflict("Only placed orders can be cancelled (this one is \(order.status.rawValue))")
        }
        if try await store.cancel(orderID: order.id) {
            do {
                try await catalog.release(checkoutID: order.reservationKey, requestID: requestID)
                try await store.markReleased(orderID: order.id)
            } catch {
                logger.warning(
                    "cancelled order's stock not released yet; the reconciler will",
                    metadata: ["order": "\(order.id)", "error": "\(error)"])
            }
        }
        guard let cancelled = try await orders.order(id: order.id, userID: order.userID) else {
            throw ProblemError.notFound("No such order")
        }
        return cancelled
    }
}
