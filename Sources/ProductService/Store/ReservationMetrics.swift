import Metrics

/// What product-service tells Prometheus about reservations and the catalogue
/// cache (README, Operations, lists every name).
enum ReservationMetrics {
    /// `created`, `replayed`, or the refusal's kind (`insufficient_stock`,
    /// `unavailable_product`, `mixed_currencies`, `reservation_mismatch`,
    /// `reservation_released`).
    static func reservation(_ outcome: String) {
        Counter(label: "shop_reservations_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// `returned` (the stock went back now) or `already_released` (earlier,
    /// or never reserved: a tombstone).
    static func release(_ outcome: String) {
        Counter(label: "shop_releases_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// `hit` or `miss` of the pre-encoded catalogue pages.
    static func cache(_ result: String) {
        Counter(label: "shop_catalogue_cache_total", dimensions: [("result", result)]).increment()
    }
}
