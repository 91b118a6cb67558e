import ShopPlatform

/// What product-service tells Prometheus about reservations and the catalogue
/// cache (README, Operations, lists every name).
enum ReservationMetrics {
    enum Reservation: String, CaseIterable {
        case created, replayed
        case insufficientStock = "insufficient_stock"
        case unavailableProduct = "unavailable_product"
        case mixedCurrencies = "mixed_currencies"
        case reservationMismatch = "reservation_mismatch"
        case reservationReleased = "reservation_released"
    }

    enum Release: String, CaseIterable {
        /// The stock went back now.
        case returned
        /// Earlier, or never reserved (a tombstone).
        case alreadyReleased = "already_released"
    }

    enum CacheResult: String, CaseIterable { case hit, miss }

    static let reservations = LabelledCounter<Reservation>("shop_reservations_total", "outcome")
    static let releases = LabelledCounter<Release>("shop_releases_total", "outcome")
    /// The pre-encoded catalogue pages.
    static let cache = LabelledCounter<CacheResult>("shop_catalogue_cache_total", "result")

    /// Makes every series now, at 0.
    static func publish() {
        _ = (reservations, releases, cache)
    }
}
