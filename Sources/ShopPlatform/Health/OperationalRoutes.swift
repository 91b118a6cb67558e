import Foundation
import Hummingbird
import Metrics
import NIOCore

/// `/health/live`, `/health/ready` and `/metrics`, the same on every service.
///
/// Readiness runs each check (the database, plus any required dependency a
/// service adds) and answers 503 naming what failed, so a load balancer stops
/// routing here while the database is unreachable or the process is draining.
public struct OperationalRoutes<Context: RequestContext>: Sendable {
    public typealias Check = @Sendable () async -> Bool

    let checks: [String: Check]
    let readiness: Readiness

    public init(checks: [String: Check], readiness: Readiness) {
        self.checks = checks
        self.readiness = readiness
    }

    /// Registers the health routes and, unless `metrics` is false (a public
    /// listener like the frontend's), `/metrics`.
    public func register(on router: Router<Context>, metrics: Bool = true) {
        // Probed every few seconds by every orchestrator: encoded once.
        let live = Self.json(HealthReport(status: "ok", checks: [:]), status: .ok)
        router.get("/health/live") { _, _ in live }
        router.get("/health/ready") { _, _ in
            var results: [String: String] = [:]
            var healthy = readiness.isAccepting
            if !healthy { results["lifecycle"] = "draining" }
            for (name, check) in checks {
                let ok = await check()
                results[name] = ok ? "ok" : "unavailable"
                healthy = healthy && ok
            }
            // 1 ready, 0 not: alerting counts its changes (readiness flapping).
            Gauge(label: "shop_readiness").record(healthy ? 1 : 0)
            return Self.json(
                HealthReport(status: healthy ? "ok" : "unavailable", checks: results),
                status: healthy ? .ok : .serviceUnavailable)
        }
        if metrics { Self.registerMetrics(on: router) }
    }

    /// `/metrics` alone, for a listener of its own.
    public static func registerMetrics(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: ShopMetrics.render())))
        }
    }

    private static func json(_ report: HealthReport, status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder.shop.encode(report)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

struct HealthReport: Encodable {
    let status: String
    let checks: [String: String]
}
