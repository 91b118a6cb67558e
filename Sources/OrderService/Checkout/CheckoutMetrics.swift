import Metrics
import ShopPlatform

/// What order-service tells Prometheus about checkouts, carts and the
/// reconciler (README, Operations, lists every name).
enum CheckoutMetrics {
    enum Outcome: String, CaseIterable {
        case placed, replayed
        case insufficientStock = "insufficient_stock"
        case unavailableProduct = "unavailable_product"
        /// Lines priced in different currencies (one was repriced after it was added).
        case mixedCurrencies = "mixed_currencies"
        /// The reserved total was not the one the customer was shown.
        case pricesChanged = "prices_changed"
        /// product-service could not be reached or answered 5xx.
        case dependencyDown = "dependency_down"
        /// product-service refused the attempt itself (a foreign reservation),
        /// or the attempt stopped being pending under the checkout.
        case abandoned
        /// Failed on this side (the database, say): a 5xx.
        case error
    }

    enum ReconcilerAction: String, CaseIterable {
        /// A reservation an order owed was released.
        case released
        /// A stale pending order whose reservation held was placed.
        case placed
        /// A stale pending order without a reservation went back to the cart.
        case returnedToCart = "returned_to_cart"
        /// A reservation no order stands on was released.
        case orphanReleased = "orphan_released"
    }

    static let checkouts = LabelledCounter<Outcome>("shop_checkouts_total", "outcome")
    static let reconcilerActions = LabelledCounter<ReconcilerAction>("shop_reconciler_actions_total", "action")
    static let duration = Metrics.Timer(label: "shop_checkout_duration_seconds")
    /// Carts a customer opened with a first add (not the fresh cart a failed
    /// checkout hands back).
    static let cartsCreated = Counter(label: "shop_carts_created_total")
    /// Pending orders older than the reconciler's grace, after its last round.
    static let backlog = Gauge(label: "shop_reconciler_backlog")

    /// Makes every series now, at 0.
    static func publish() {
        _ = (checkouts, reconcilerActions, duration, cartsCreated)
        backlog.record(0)
    }

    /// The total of a placed order, in minor units of its currency.
    static func orderValue(_ minor: Int64, currency: String) {
        Recorder(label: "shop_order_value_minor", dimensions: [("currency", currency)], aggregate: true)
            .record(minor)
    }
}
