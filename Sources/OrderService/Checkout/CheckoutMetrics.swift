import Metrics

/// What order-service tells Prometheus about checkouts, carts and the
/// reconciler (README, Operations, lists every name).
enum CheckoutMetrics {
    enum Outcome: String {
        case placed, replayed
        case insufficientStock = "insufficient_stock"
        case unavailableProduct = "unavailable_product"
        /// product-service could not be reached or answered 5xx.
        case dependencyDown = "dependency_down"
        /// product-service refused the attempt itself (a foreign reservation).
        case abandoned
    }

    enum ReconcilerAction: String {
        /// A reservation an order owed was released.
        case released
        /// A stale pending order whose reservation held was placed.
        case placed
        /// A stale pending order without a reservation went back to the cart.
        case returnedToCart = "returned_to_cart"
        /// A reservation no order stands on was released.
        case orphanReleased = "orphan_released"
    }

    static func checkout(_ outcome: Outcome) {
        Counter(label: "shop_checkouts_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }

    static let duration = Metrics.Timer(label: "shop_checkout_duration_seconds")

    /// The total of a placed order, in minor units of its currency.
    static func orderValue(_ minor: Int64, currency: String) {
        Recorder(label: "shop_order_value_minor", dimensions: [("currency", currency)], aggregate: true)
            .record(minor)
    }

    static let cartsCreated = Counter(label: "shop_carts_created_total")

    static func reconciler(_ action: ReconcilerAction, count: Int = 1) {
        guard count > 0 else { return }
        Counter(label: "shop_reconciler_actions_total", dimensions: [("action", action.rawValue)])
            .increment(by: count)
    }

    /// Pending orders older than the reconciler's grace, after its last round.
    static let backlog = Gauge(label: "shop_reconciler_backlog")
}
