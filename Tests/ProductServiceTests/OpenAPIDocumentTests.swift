import Foundation
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("product-service OpenAPI document")
struct OpenAPIDocumentTests {
    static let routes = [
        "/v1/products:", "/v1/products/{slug}:", "/v1/products/{slug}/image:", "/v1/reservations:",
        "/v1/reservations/{checkout_id}:", "/api/products:", "/api/product/{slug}:", "/api/product/create:",
        "/health/live:", "/health/ready:", "/metrics:", "/openapi.yaml:",
    ]

    @Test func servedAndCoversEveryRoute() async throws {
        try await ProductServiceHarness.run(.sqlite) { client, _ in
            let response = try await client.call(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            let documented = response.text.split(separator: "\n").filter { $0.hasPrefix("  /") }
                .map { String($0.dropFirst(2)) }
            #expect(Set(documented) == Set(Self.routes))
        }
    }
}
