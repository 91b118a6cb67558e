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
        subcommands: [Up.self, Serve.self, Migrate.self, Seed.self],
        defaultSubcommand: Up.self)
}

/// The services `shop` knows, in start order, with their standard ports.
enum ServiceCatalog {
    struct Entry: Sendable {
        let name: String
        let port: Int
        let entry: any ShopServiceEntry.Type
    }

    static let all: [Entry] = [
        Entry(name: "user-service", port: 5001, entry: UserServiceEntry.self),
        Entry(name: "product-service", port: 5002, entry: ProductServiceEntry.self),
        Entry(name: "order-service", port: 5003, entry: OrderServiceEntry.self),
        Entry(name: "frontend", port: 5000, entry: FrontendEntry.self),
    ]

    static func named(_ name: String) throws -> Entry {
        guard let entry = all.first(where: { $0.name == name }) else {
            throw ValidationError("unknown service '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return entry
    }
}
