import Configuration
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ShopPlatform

/// Wires configuration, the session key, the three backend clients, templates
/// and routes into the storefront.
public func buildFrontend(reader: ConfigReader, readiness: Readiness = Readiness()) async throws
    -> some ApplicationProtocol
{
    let configuration = FrontendConfiguration(reader: reader)
    let logger = configuration.service.logger
    let faults = try configuration.service.start(usesDatabase: false) {
        $0.require(configuration.sessionKey, "session.key")
    }

    let httpClient = ServiceClient.makeHTTPClient(readTimeout: configuration.backendTimeout)
    func client(_ service: ServiceDescriptor, _ url: String) -> ServiceClient {
        // Two attempts at most: a person is waiting for this page.
        ServiceClient(
            baseURL: url, target: service.name, httpClient: httpClient, timeout: configuration.backendTimeout,
            maxAttempts: 2, breaker: CircuitBreaker(threshold: 5, cooldown: .seconds(5)), faults: faults)
    }
    let backends = Backends(
        users: try CustomerAccounts(client: client(.userService, configuration.userServiceURL)),
        products: try ProductCatalogue(client: client(.productService, configuration.productServiceURL)),
        orders: try CartsAndOrders(client: client(.orderService, configuration.orderServiceURL)))
    let pages = try await PageRenderer.load()
    let tokens = TokenKeeper(users: backends.users)
    let cookie = SessionCookie(
        key: try SessionCookie.key(
            configured: configuration.sessionKey, dataDirectory: configuration.service.dataDirectory, logger: logger))

    let router = Router(context: FrontendContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: TracingMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ContentSecurityMiddleware())
    router.add(middleware: ErrorPageMiddleware(pages: pages))
    if !faults.isEmpty { router.add(middleware: FaultInjectionMiddleware<FrontendContext>(faults: faults)) }
    router.add(middleware: InputTextMiddleware())
    OperationalRoutes<FrontendContext>(checks: [:], readiness: readiness).register(on: router, metrics: false)
    if let staticFiles = Bundle.module.resourcePath.map({ $0 + "/static" }) {
        router.add(
            middleware: FileMiddleware(
                staticFiles, urlBasePath: "/static", cacheControl: .init([(.textCss, [.maxAge(3600), .public])]),
                logger: logger))
    }
    router.add(middleware: SessionMiddleware(cookie: cookie, secure: configuration.secureCookies, pages: pages))
    CatalogueRoutes(backends: backends, pages: pages).addRoutes(to: router)
    CartRoutes(backends: backends, pages: pages, tokens: tokens).addRoutes(to: router)
    AccountRoutes(backends: backends, pages: pages).addRoutes(to: router)
    OrderRoutes(backends: backends, pages: pages, tokens: tokens).addRoutes(to: router)
    AdminRoutes(backends: backends, pages: pages, tokens: tokens, currency: configuration.currency).addRoutes(
        to: router)

    try router.completeRoutes()
    var app = configuration.service.application(router: router)
    app.addServices(HTTPClientService(client: httpClient))
    if let metricsPort = configuration.metricsPort {
        let metrics = Router(context: BasicRequestContext.self)
        OperationalRoutes<BasicRequestContext>.registerMetrics(on: metrics)
        app.addServices(
            Application(
                router: metrics, server: configuration.service.http1,
                configuration: configuration.service.server(port: metricsPort, name: "microshop-frontend-metrics"),
                logger: logger))
    }
    return app
}

/// `frontend [serve]`, shared by the thin executable and `shop`.
public enum FrontendEntry: ShopServiceEntry {
    public static let descriptor = ServiceDescriptor.frontend
    public static var migrations: [Migration] { [] }

    public static func buildApplication(reader: ConfigReader, readiness: Readiness) async throws
        -> some ApplicationProtocol
    {
        try await buildFrontend(reader: reader, readiness: readiness)
    }
}
