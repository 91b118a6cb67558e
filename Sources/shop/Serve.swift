import ArgumentParser
import ShopPlatform

/// `shop serve <service> [--port N ...]`: run one service in this process. This is
/// how `shop up` starts each child, so they run exactly the per-service code.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one service in the foreground.")

    @Argument(help: "user-service")
    var service: String

    @Argument(parsing: .allUnrecognized, help: "Configuration flags, e.g. --port 5001 --database-url URL")
    var configuration: [String] = []

    func run() async throws {
        let entry = try ServiceCatalog.named(service)
        try await ServiceMain.run(entry.entry, arguments: [service, "serve"] + configuration)
    }
}

/// `shop migrate <service> [--database-url URL]`: apply pending migrations and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply a service's database migrations.")

    @Argument(help: "user-service")
    var service: String

    @Argument(parsing: .allUnrecognized, help: "Configuration flags, e.g. --database-url URL")
    var configuration: [String] = []

    func run() async throws {
        let entry = try ServiceCatalog.named(service)
        try await ServiceMain.run(entry.entry, arguments: [service, "migrate"] + configuration)
    }
}
