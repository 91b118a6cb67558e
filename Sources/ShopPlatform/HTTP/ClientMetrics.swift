import Metrics

/// The `shop_http_client_*` and `shop_circuit_breaker_state` series of one
/// outbound target, made once with its client: a call never looks them up in
/// the registry.
struct ClientMetrics: Sendable {
    enum Outcome: String, CaseIterable {
        case informational = "1xx", success = "2xx", redirect = "3xx", clientError = "4xx", serverError = "5xx"
        /// No answer: a timeout, a refused or reset connection.
        case error, cancelled
        /// Refused by the open circuit; nothing went out.
        case circuitOpen = "circuit_open"

        init(status: UInt) {
            self =
                switch status {
                case ..<200: .informational
                case ..<300: .success
                case ..<400: .redirect
                case ..<500: .clientError
                default: .serverError
                }
        }
    }

    let outcomes: LabelledCounter<Outcome>
    let duration: Metrics.Timer
    /// 0 closed, 1 half-open, 2 open: written by the breaker as its state changes.
    let breaker: Gauge

    init(target: String) {
        outcomes = LabelledCounter("shop_http_client_requests_total", "outcome", fixed: [("target", target)])
        duration = Metrics.Timer(label: "shop_http_client_duration_seconds", dimensions: [("target", target)])
        breaker = Gauge(label: "shop_circuit_breaker_state", dimensions: [("target", target)])
    }

    /// One call that went out: its outcome and how long it took.
    func record(_ outcome: Outcome, since started: ContinuousClock.Instant) {
        outcomes.increment(outcome)
        duration.record(duration: .now - started)
    }
}
