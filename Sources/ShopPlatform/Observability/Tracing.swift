import Logging
import OTel
import ServiceLifecycle

/// Distributed tracing over OTLP, switched on by the standard OpenTelemetry
/// environment (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
///
/// Only traces go through swift-otel: metrics stay with swift-prometheus (a
/// process may bootstrap swift-metrics once) and logs with swift-log.
public enum ShopTracing {
    /// The shop's release, reported with every span.
    public static let version = "1.0.0"

    /// Bootstraps the tracer and returns the exporter to run with the
    /// application, or nil when no endpoint is configured (spans are then no-ops).
    public static func bootstrap(serviceName: String, environment: [String: String]) throws -> (any Service)? {
        let endpoints = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].compactMap {
            environment[$0]
        }
        guard endpoints.contains(where: { !$0.isEmpty }) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        // OTEL_RESOURCE_ATTRIBUTES may override it (the image tag, say); the
        // sampler comes from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
        configuration.resourceAttributes["service.version"] = version
        configuration.resourceAttributes["service.namespace"] = "microshop"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        return try OTel.bootstrap(configuration: configuration, environment: environment)
    }
}
