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

    /// Every labelled series from the start at 0 (see `CheckoutMetrics.publishZeros`).
    static func publishZeros() {
        for outcome in [
            "created", "replayed", "insufficient_stock", "unavailable_product", "mixed_currencies",
            "reservation_mismatch", "reservation_released",
        ] {
            Counter(label: "shop_reservations_total", dimensions: [("outcome", outcome)]).increment(by: 0)
        }
        for outcome in ["returned", "already_released"] {
            Counter(label: "shop_releases_total", dimensions: [("outcome", outcome)]).increment(by: 0)
        }
        for result in ["hit", "miss"] {
            Counter(label: "shop_catalogue_cache_total", dimensions: [("result", result)]).increment(by: 0)
        }
    }

    /// `hit` or `miss` of the pre-encoded catalogue pages.
    static func cache(_ result: String) {
        Counter(label: "shop_catalogue_cache_total", dimensions: [("result", result)]).increment()
    }
}
