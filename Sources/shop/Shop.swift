import ArgumentParser
import Frontend
import OrderService
import ProductService
import ShopPlatform
import UserService

/// The developer CLI: `swift run shop` starts the whole shop.
@main
struct Shop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop",
        abstract: "Run Microshop's services on this machine.",
        subcommands: [Up.self, Serve.self, Migrate.self, Seed.self, Load.self],
        defaultSubcommand: Up.self)
}

/// The services `shop` knows, in start order.
enum ServiceCatalog {
    static let all: [any ShopServiceEntry.Type] = [
        UserServiceEntry.self, ProductServiceEntry.self, OrderServiceEntry.self, FrontendEntry.self,
    ]

    /// "one of user-service, product-service, …", for `--help`.
    static var help: String { "one of " + all.map { $0.descriptor.name }.joined(separator: ", ") }

    static func named(_ name: String) throws -> any ShopServiceEntry.Type {
        guard let entry = all.first(where: { $0.descriptor.name == name }) else {
            throw ValidationError(
                "unknown service '\(name)'; known: \(all.map { $0.descriptor.name }.joined(separator: ", "))")
        }
        return entry
    }
}
