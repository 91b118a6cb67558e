import Metrics

/// What user-service tells Prometheus about logins and refreshes (README,
/// Operations, lists every name).
enum SessionMetrics {
    enum Login: String {
        case success, failure
        /// Refused by the throttle before the password was checked.
        case throttled
    }

    enum Refresh: String {
        case rotated
        /// A repeat within the grace (two tabs): a sibling pair.
        case repeated
        /// Unknown, expired or revoked.
        case invalid
        /// A used token again: theft; the session was revoked.
        case reused
    }

    /// Every labelled series from the start at 0: an alert on the first theft
    /// needs a series that existed before it.
    static func publishZeros() {
        for outcome in [Login.success, .failure, .throttled] {
            Counter(label: "shop_logins_total", dimensions: [("outcome", outcome.rawValue)]).increment(by: 0)
        }
        for outcome in [Refresh.rotated, .repeated, .invalid, .reused] {
            Counter(label: "shop_sessions_refreshed_total", dimensions: [("outcome", outcome.rawValue)])
                .increment(by: 0)
        }
    }

    static func login(_ outcome: Login) {
        Counter(label: "shop_logins_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }

    static func refresh(_ outcome: Refresh) {
        Counter(label: "shop_sessions_refreshed_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }
}
