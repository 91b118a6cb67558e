import Configuration
import ShopPlatform
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Production mode")
struct ProductionModeTests {
    @Test func aMissingOrShortServiceCredentialRefusesToStart() async throws {
        for token in [nil, "short"] {
            var environment = [
                "SHOP_MODE": "production", "DATABASE_URL": "sqlite::memory:", "DATA_DIR": TestDirectory.make().path,
            ]
            environment["SERVICE_TOKEN"] = token
            await #expect(throws: ProductionMode.Refusal.self) {
                _ = try await buildProductService(reader: .shop(arguments: ["t"], environment: environment))
            }
        }
    }
}
