import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopPlatform
import ShopTestSupport
import Testing

@testable import ProductService

/// product-service on a fresh database, verifying tokens against a live key
/// server, with tokens for a customer and an admin and the service credential.
struct ProductServiceHarness: Sendable {
    static let serviceToken = TestShop.serviceToken

    let keys: KeyServer
    let customer: String
    let admin: String

    static func run(
        _ backend: TestBackend, settings: [String: String] = [:],
        _ body: @Sendable (any TestClientProtocol, ProductServiceHarness) async throws -> Void
    ) async throws {
        let keys = try KeyServer()
        let databaseURL = try await backend.makeDatabaseURL()
        try await keys.serve { keyServerURL in
            let environment = TestShop(shared: ["DATABASE_POOL_SIZE": "8"], settings: [.productService: settings])
                .environment(for: .productService, database: databaseURL, urls: [.userService: keyServerURL])
            let harness = ProductServiceHarness(
                keys: keys, customer: try await keys.token(userID: 10),
                admin: try await keys.token(userID: 1, roles: [.customer, .admin]))
            let app = try await buildProductService(reader: .shop(arguments: ["test"], environment: environment))
            try await app.testRouter("product-service") { client in try await body(client, harness) }
        }
    }
}

extension TestClientProtocol {
    /// Creates a product as admin and returns its JSON.
    @discardableResult
    func createProduct(
        _ slug: String, name: String? = nil, description: String = "", price: Int64 = 1000, stock: Int = 10,
        harness: ProductServiceHarness
    ) async throws -> [String: Any] {
        let response = try await call(
            .post, "/v1/products",
            json: [
                "slug": slug, "name": name ?? slug.capitalized, "description": description, "price_minor": price,
                "stock": stock,
            ], token: harness.admin)
        #expect(response.status == .created, "\(response.text)")
        return response.json
    }

    /// Reserves for order `orderID` under checkout `c-<orderID>` unless another is named.
    func reserve(
        _ orderID: Int64, _ lines: [(Int, Int)], checkout: String? = nil,
        token: String? = ProductServiceHarness.serviceToken
    ) async throws -> TestResponse {
        try await call(
            .post, "/v1/reservations",
            json: [
                "checkout_id": checkout ?? "c-\(orderID)", "order_id": orderID,
                "lines": lines.map { ["product_id": $0.0, "quantity": $0.1] },
            ], token: token)
    }

    func stock(of slug: String, harness: ProductServiceHarness) async throws -> Int? {
        try await call(.get, "/v1/products/\(slug)", token: harness.admin).json["stock"] as? Int
    }
}
