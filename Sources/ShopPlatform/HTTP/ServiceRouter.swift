import Foundation
import Hummingbird

extension Router where Context == ShopRequestContext {
    /// A router with what every backend service runs, outermost first: a trace
    /// span, the request log line (inside the span, so it carries the trace id), errors rendered as problem+json (or the
    /// legacy shape), metrics, injected faults (if configured), control characters
    /// refused in URLs, an optional body limit, and token authentication; plus `/health/live`, `/health/ready`,
    /// `/metrics` and `/openapi.yaml`.
    ///
    /// Every GET route answers HEAD too. Pass `bodyLimit: nil` when route groups
    /// set their own limits.
    public static func shopService(
        readiness: Readiness, database: ShopDatabase, openAPI: URL?,
        bodyLimit: Int?, authenticator: TokenAuthenticator, faults: Faults = .none
    ) throws -> Router<ShopRequestContext> {
        let router = Router(context: ShopRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: TracingMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: MetricsMiddleware())
        if !faults.isEmpty { router.add(middleware: FaultInjectionMiddleware(faults: faults)) }
        router.add(middleware: InputTextMiddleware())
        if let bodyLimit { router.add(middleware: BodyLimitMiddleware(limit: bodyLimit)) }
        router.add(middleware: authenticator)
        OperationalRoutes<ShopRequestContext>(
            checks: ["database": { await database.isReachable() }], readiness: readiness
        ).register(on: router)
        if let openAPI { try OpenAPIRoute<ShopRequestContext>(document: openAPI).register(on: router) }
        return router
    }
}
