import Foundation
import Hummingbird
import HummingbirdTesting
import ShopPlatform

/// Services of a `TestShop` running live in this process.
public struct RunningShop: Sendable {
    /// A client of each running service, over real HTTP.
    public let clients: [ServiceDescriptor: any TestClientProtocol]
    /// Where each service listens, and any URL the run was given (a key server
    /// standing in for user-service).
    public let urls: [ServiceDescriptor: String]
}

extension TestShop {
    /// Runs `services` live in this process on free ports for the duration of
    /// `body`, in order (each is given the URLs of those before it, and of
    /// `urls`), each on a fresh database of `backend`.
    public func run<Value: Sendable>(
        _ services: [any ShopServiceEntry.Type], on backend: TestBackend = .sqlite,
        urls: [ServiceDescriptor: String] = [:], _ body: @Sendable (RunningShop) async throws -> Value
    ) async throws -> Value {
        try await run(
            services[...], on: backend, RunningShop(clients: [:], urls: urls), body)
    }

    private func run<Value: Sendable>(
        _ services: ArraySlice<any ShopServiceEntry.Type>, on backend: TestBackend, _ running: RunningShop,
        _ body: @Sendable (RunningShop) async throws -> Value
    ) async throws -> Value {
        guard let entry = services.first else { return try await body(running) }
        let descriptor = entry.descriptor
        let environment = environment(
            for: descriptor, database: entry.migrations.isEmpty ? nil : try await backend.makeDatabaseURL(),
            urls: running.urls)
        return try await Self.live(entry, environment: environment) { client in
            let port = try client.port ?? { throw TestSetupError("\(descriptor) has no port") }()
            var clients = running.clients
            var urls = running.urls
            clients[descriptor] = client
            urls[descriptor] = "http://127.0.0.1:\(port)"
            return try await run(
                services.dropFirst(), on: backend,
                RunningShop(clients: clients, urls: urls), body)
        }
    }

    private static func live<Entry: ShopServiceEntry, Value: Sendable>(
        _ entry: Entry.Type, environment: [String: String],
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = try await Entry.buildApplication(
            reader: .shop(arguments: ["test"], environment: environment), readiness: Readiness())
        let name = "\(Entry.descriptor.name) (live)"
        return try await TestPhase.around(name) {
            try await app.testLive { client in try await TestPhase.running(name) { try await body(client) } }
        }
    }
}
