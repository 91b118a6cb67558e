import Configuration
import ShopPlatform
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Production mode")
struct ProductionModeTests {
    @Test func aMissingOrShortServiceCredentialRefusesToStart() async throws {
        // A misspelt mode fails closed: anything but "development" is production.
        for (token, mode) in [(nil, "production"), ("short", "production"), (nil, "Production"), (nil, "prod")] {
            var environment = [
                "SHOP_MODE": mode, "DATABASE_URL": "sqlite::memory:", "DATA_DIR": TestDirectory.make().path,
            ]
            environment["SERVICE_TOKEN"] = token
            await #expect(throws: ProductionMode.Refusal.self) {
                _ = try await buildProductService(reader: .shop(arguments: ["t"], environment: environment))
            }
        }
    }
}
