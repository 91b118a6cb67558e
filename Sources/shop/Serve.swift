import ArgumentParser
import Configuration
import Foundation
import ProductService
import ShopPlatform

/// `shop serve <service> [--port N ...]`: run one service in this process. This is
/// how `shop up` starts each child, so they run exactly the per-service code.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one service in the foreground.")

    @Argument(help: ArgumentHelp(ServiceCatalog.help))
    var service: String

    @Argument(parsing: .allUnrecognized, help: "Configuration flags, e.g. --port 5001 --database-url URL")
    var configuration: [String] = []

    func run() async throws {
        let entry = try ServiceCatalog.named(service)
        try await ServiceMain.run(entry, arguments: [service, "serve"] + configuration)
    }
}

/// `shop migrate <service> [--database-url URL]`: apply pending migrations and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply a service's database migrations.")

    @Argument(help: ArgumentHelp(ServiceCatalog.help))
    var service: String

    @Argument(parsing: .allUnrecognized, help: "Configuration flags, e.g. --database-url URL")
    var configuration: [String] = []

    func run() async throws {
        let entry = try ServiceCatalog.named(service)
        try await ServiceMain.run(entry, arguments: [service, "migrate"] + configuration)
    }
}

/// `shop seed [--data-dir DIR]`: load the demo catalogue into product-service's
/// database (the local SQLite one unless `--database-url` says otherwise).
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo catalogue if the catalogue is empty.")

    @Option(help: "The shop's data folder, as for `shop up` (env SHOP_DATA_DIR; default .shop).")
    var dataDir: String?

    @Argument(parsing: .allUnrecognized, help: "Configuration flags, e.g. --database-url URL")
    var configuration: [String] = []

    func run() async throws {
        let folder = dataDir ?? ConfigReader.shop(arguments: ["shop"]).string(forKey: "shop.data.dir", default: ".shop")
        let products = ProductServiceEntry.descriptor.name
        let database = "sqlite://" + URL(fileURLWithPath: folder).appendingPathComponent("\(products).db").path
        try await ServiceMain.run(
            ProductServiceEntry.self, arguments: [products, "seed", "--database-url", database] + configuration)
    }
}
