import Configuration
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ShopPlatform

/// Wires configuration, database, the product-service client, the checkout saga,
/// the reconciler and routes into order-service.
public func buildOrderService(reader: ConfigReader, readiness: Readiness = Readiness()) async throws
    -> some ApplicationProtocol
{
    let configuration = OrderServiceConfiguration(reader: reader)
    try configuration.check()
    let logger = configuration.service.logger
    let faults = try configuration.service.start(usesDatabase: true) {
        $0.requireSecret(configuration.serviceCredential, "service.token")
    }
    CheckoutMetrics.publish()

    let database = try await configuration.service.openDatabase()
    let httpClient = ServiceClient.makeHTTPClient(readTimeout: configuration.productServiceTimeout)
    let catalog = try ProductCatalogClient(
        client: ServiceClient(
            baseURL: configuration.productServiceURL, target: ServiceDescriptor.productService.name,
            httpClient: httpClient,
            timeout: configuration.productServiceTimeout, maxAttempts: configuration.productServiceAttempts,
            headers: configuration.serviceCredential.map { [.authorization: "Bearer \($0)"] } ?? [:],
            breaker: CircuitBreaker(threshold: configuration.breakerThreshold, cooldown: configuration.breakerCooldown),
            faults: faults),
        freshFor: configuration.catalogueCacheTTL)
    let orders = OrderStore(database: database)
    let checkoutStore = CheckoutStore(database: database)
    let checkout = Checkout(store: checkoutStore, catalog: catalog, logger: logger)
    let carts = Carts(
        orders: orders, catalog: catalog, maxQuantity: configuration.maxQuantityPerLine,
        defaultCurrency: configuration.currency)
    let tokens = RemoteTokenVerification(settings: configuration.tokens, logger: logger)
    let openAPI = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
    let router = try Router.shopService(
        readiness: readiness, database: database, openAPI: openAPI, bodyLimit: configuration.service.bodyLimit,
        authenticator: tokens.authenticator, faults: faults)
    CartRoutes(carts: carts).addRoutes(to: router.group("v1/cart"))
    let orderRoutes = OrderRoutes(
        orders: orders, checkout: checkout,
        cancellation: Cancellation(store: checkoutStore, orders: orders, catalog: catalog, logger: logger))
    orderRoutes.addRoutes(to: router.group("v1/orders"))
    orderRoutes.addAdminRoutes(to: router.group("v1/admin/orders"))
    LegacyOrderRoutes(carts: carts, checkout: checkout, orders: orders).addRoutes(to: router.group("api"))

    try router.completeRoutes(document: openAPI)
    var app = configuration.service.application(router: router)
    app.addServices(
        database.service, HTTPClientService(client: httpClient),
        Reconciler(
            store: checkoutStore, catalog: catalog, interval: configuration.reconcilerInterval,
            grace: configuration.reconcilerGrace, logger: logger))
    app.addServices(tokens)
    app.beforeServerStarts { try await OrderServiceEntry.migrate(database, logger: logger) }
    return app
}

/// `order-service [serve|migrate]`, shared by the thin executable and `shop`.
public enum OrderServiceEntry: ShopServiceEntry {
    public static let descriptor = ServiceDescriptor.orderService
    public static var migrations: [Migration] { OrderMigrations.all }

    public static func buildApplication(reader: ConfigReader, readiness: Readiness) async throws
        -> some ApplicationProtocol
    {
        try await buildOrderService(reader: reader, readiness: readiness)
    }
}
