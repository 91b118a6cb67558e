import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ProductService
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

/// order-service under test, talking real HTTP to a real product-service (run
/// live in this process on its own database) and verifying tokens against a
/// live key server.
struct OrderServiceHarness: Sendable {
    static let serviceToken = TestShop.serviceToken

    let keys: KeyServer
    let product: any TestClientProtocol
    let admin: String
    let environment: [String: String]

    /// A customer's token.
    func token(user: Int64) async throws -> String { try await keys.token(userID: user) }

    static func run(
        _ backend: TestBackend, settings: [String: String] = [:],
        _ body: @Sendable (any TestClientProtocol, OrderServiceHarness) async throws -> Void
    ) async throws {
        let keys = try KeyServer()
        let plan = TestShop(
            shared: ["DATABASE_POOL_SIZE": "8"],
            settings: [
                .productService: ["CATALOGUE_CACHE_MS": "0"],
                // A loaded full run can make product-service slow; tests of
                // timeouts set their own.
                .orderService: [
                    "RECONCILER_INTERVAL_MS": "3600000", "PRODUCT_SERVICE_TIMEOUT_MS": "10000",
                    "CATALOGUE_CACHE_MS": "0",
                ]
                .merging(settings) { $1 },
            ])
        try await keys.serve { keyURL in
            try await plan.run([ProductServiceEntry.self], on: backend, urls: [.userService: keyURL]) { shop in
                let environment = plan.environment(
                    for: .orderService, database: try await backend.makeDatabaseURL(), urls: shop.urls)
                let harness = OrderServiceHarness(
                    keys: keys, product: shop.clients[.productService]!,
                    admin: try await keys.token(userID: 1, roles: [.customer, .admin]), environment: environment)
                let app = try await buildOrderService(reader: .shop(arguments: ["test"], environment: environment))
                try await app.testRouter("order-service") { client in try await body(client, harness) }
            }
        }
    }

    /// Runs `body` on order-service's own database, as a second replica or an
    /// operator would reach it behind the service's back.
    func withDatabase<T: Sendable>(
        poolSize: Int = 10, _ body: @Sendable (ShopDatabase) async throws -> T
    ) async throws -> T {
        let database = try await ShopDatabase.open(
            url: try #require(environment["DATABASE_URL"]), poolSize: poolSize, logger: Logger(label: "test"))
        return try await database.withRunningService { try await body(database) }
    }

    /// order-service's client of the live product-service, as the service builds it.
    func catalog() throws -> ProductCatalogClient {
        let configuration = OrderServiceConfiguration(reader: .shop(arguments: ["t"], environment: environment))
        return try ProductCatalogClient(
            client: ServiceClient(
                baseURL: configuration.productServiceURL, target: ServiceDescriptor.productService.name,
                headers: [.authorization: "Bearer \(Self.serviceToken)"]))
    }

    /// Creates a product at product-service and returns its id.
    func createProduct(_ slug: String, price: Int64 = 1000, stock: Int = 10, currency: String = "USD") async throws
        -> Int
    {
        let response = try await product.execute(
            uri: "/v1/products", method: .post,
            headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
            body: .json([
                "slug": slug, "name": slug.capitalized, "price_minor": price, "stock": stock, "currency": currency,
            ]))
        #expect(response.status == .created, "\(response.text)")
        return try #require(response.json["id"] as? Int)
    }

    /// Changes a product at product-service (`price_minor`, `currency`), as an admin may.
    func updateProduct(_ slug: String, _ fields: [String: Any]) async throws {
        let response = try await product.execute(
            uri: "/v1/products/\(slug)", method: .patch,
            headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
            body: .json(fields))
        #expect(response.status == .ok, "\(response.text)")
    }

    func stock(_ slug: String) async throws -> Int? {
        let response = try await product.execute(
            uri: "/v1/products/\(slug)", method: .get, headers: [.authorization: "Bearer \(admin)"])
        return response.json["stock"] as? Int
    }

    /// Reserves at product-service directly, as a checkout attempt would.
    func reserve(checkoutID: String, orderID: Int64, lines: [(Int, Int)]) async throws -> TestResponse {
        try await product.execute(
            uri: "/v1/reservations", method: .post,
            headers: [.authorization: "Bearer \(Self.serviceToken)", .contentType: "application/json"],
            body: .json([
                "checkout_id": checkoutID, "order_id": orderID,
                "lines": lines.map { ["product_id": $0.0, "quantity": $0.1] },
            ]))
    }

    func deactivate(_ slug: String) async throws {
        _ = try await product.execute(
            uri: "/v1/products/\(slug)", method: .delete, headers: [.authorization: "Bearer \(admin)"])
    }
}

extension TestClientProtocol {
    @discardableResult
    func addToCart(_ productID: Int, _ quantity: Int, token: String) async throws -> TestResponse {
        try await call(.post, "/v1/cart/items", json: ["product_id": productID, "quantity": quantity], token: token)
    }

    func checkout(token: String, key: String = UUID().uuidString) async throws -> TestResponse {
        try await call(.post, "/v1/orders", token: token, headers: [.init("Idempotency-Key")!: key])
    }
}
