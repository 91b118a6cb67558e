import Configuration
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ShopPlatform

/// Wires configuration, database, token verification, stores and routes into
/// product-service. Migrations (and the optional demo seed) run before the
/// server accepts connections.
public func buildProductService(reader: ConfigReader, readiness: Readiness = Readiness()) async throws
    -> some ApplicationProtocol
{
    let configuration = ProductServiceConfiguration(reader: reader)
    let logger = configuration.service.logger
    let faults = try configuration.service.start(usesDatabase: true) {
        $0.requireSecret(configuration.serviceCredential, "service.token")
    }
    ReservationMetrics.publish()
    if configuration.serviceCredential == nil {
        logger.warning("SERVICE_TOKEN is not set: the reservations API refuses every caller")
    }

    let database = try await configuration.service.openDatabase()
    let cache = CatalogueCache(ttl: configuration.catalogueCacheTTL)
    let catalogue = Catalogue(
        products: SQLProductStore(database: database), cache: cache, defaultCurrency: configuration.currency,
        legacyDefaultStock: configuration.legacyDefaultStock, maxImageBytes: configuration.maxImageBytes)
    let tokens = RemoteTokenVerification(settings: configuration.tokens, logger: logger)
    let openAPI = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
    let router = try Router.shopService(
        readiness: readiness, database: database, openAPI: openAPI, bodyLimit: nil,
        authenticator: tokens.authenticator, faults: faults)

    // Body limits per group: image uploads may be larger than everything else.
    let bodyLimit = BodyLimitMiddleware(limit: configuration.service.bodyLimit)
    let serviceCredential = ServiceCredentialMiddleware(credential: configuration.serviceCredential)
    ProductRoutes(catalogue: catalogue, serviceCredential: serviceCredential).addRoutes(
        to: router.group("v1/products").add(middleware: bodyLimit))
    ImageRoutes(catalogue: catalogue).addRoutes(
        to: router.group("v1/products/:slug/image").add(
            middleware: BodyLimitMiddleware(limit: configuration.maxImageBytes)))
    ReservationRoutes(reservations: ReservationStore(database: database)).addRoutes(
        to: router.group("v1/reservations").add(middleware: bodyLimit).add(middleware: serviceCredential))
    LegacyProductRoutes(catalogue: catalogue).addRoutes(to: router.group("api").add(middleware: bodyLimit))

    try router.completeRoutes(document: openAPI)
    var app = configuration.service.application(router: router)
    app.addServices(database.service)
    app.addServices(tokens)
    app.beforeServerStarts {
        try await ProductServiceEntry.migrate(database, logger: logger)
        if configuration.seedDemo { try await DemoCatalogue.seedIfEmpty(catalogue: catalogue, logger: logger) }
    }
    return app
}

/// `product-service [serve|migrate|seed]`, shared by the thin executable and `shop`.
public enum ProductServiceEntry: ShopServiceEntry {
    public static let descriptor = ServiceDescriptor.productService
    public static var migrations: [Migration] { ProductMigrations.all }

    public static func buildApplication(reader: ConfigReader, readiness: Readiness) async throws
        -> some ApplicationProtocol
    {
        try await buildProductService(reader: reader, readiness: readiness)
    }

    /// Migrates, then loads the demo catalogue if the catalogue is empty.
    public static func seed(reader: ConfigReader, logger: Logger) async throws {
        let configuration = ProductServiceConfiguration(reader: reader)
        let database = try await ShopDatabase.open(url: configuration.service.databaseURL, logger: logger)
        let added = try await database.withRunningService {
            try await migrate(database, logger: logger)
            let catalogue = Catalogue(
                products: SQLProductStore(database: database), cache: CatalogueCache(ttl: .zero),
                defaultCurrency: configuration.currency, legacyDefaultStock: configuration.legacyDefaultStock,
                maxImageBytes: configuration.maxImageBytes)
            return try await DemoCatalogue.seedIfEmpty(catalogue: catalogue, logger: logger)
        }
        logger.info(added > 0 ? "demo catalogue loaded" : "catalogue not empty; nothing seeded")
    }
}
