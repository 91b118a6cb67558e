import ShopPlatform

/// What user-service tells Prometheus about logins and refreshes (README,
/// Operations, lists every name).
enum SessionMetrics {
    enum Login: String, CaseIterable {
        case success, failure
        /// Refused by the throttle before the password was checked.
        case throttled
    }

    enum Refresh: String, CaseIterable {
        case rotated
        /// A repeat within the grace (two tabs): a sibling pair.
        case repeated
        /// Unknown, expired or revoked.
        case invalid
        /// A used token again: theft; the session was revoked.
        case reused
    }

    static let logins = LabelledCounter<Login>("shop_logins_total", "outcome")
    static let refreshes = LabelledCounter<Refresh>("shop_sessions_refreshed_total", "outcome")

    /// Makes every series now, at 0.
    static func publish() {
        _ = (logins, refreshes)
    }
}
