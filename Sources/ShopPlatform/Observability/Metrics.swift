import Hummingbird
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics.
///
/// swift-metrics allows one bootstrap per process; tests build many applications
/// in one process, so the bootstrap happens once, on first use.
public enum ShopMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2), .seconds(5),
        ]
        // Order totals in minor units: 5.00 to 2,500.00 of the currency.
        factory.valueHistogramBuckets["shop_order_value_minor"] = [
            500, 1000, 2500, 5000, 10000, 25000, 50000, 100_000, 250_000,
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Ensures the bootstrap ran; call before any metric is recorded.
    public static func bootstrap() {
        _ = registry
    }

    /// Text exposition format for `/metrics`.
    public static func render() -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// A counter with one label whose values are known up front: every series is
/// made once, at 0 (so the first event is an increase Prometheus can see, and
/// an event never looks a series up in the registry again).
public struct LabelledCounter<Value: CaseIterable & RawRepresentable & Hashable & Sendable>: Sendable
where Value.RawValue == String {
    private let series: [Value: Metrics.Counter]

    public init(_ label: String, _ dimension: String, fixed: [(String, String)] = []) {
        ShopMetrics.bootstrap()
        series = Dictionary(
            uniqueKeysWithValues: Value.allCases.map {
                ($0, Metrics.Counter(label: label, dimensions: fixed + [(dimension, $0.rawValue)]))
            })
    }

    public func increment(_ value: Value, by amount: Int = 1) {
        series[value]?.increment(by: amount)
    }
}
