import Configuration
import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test func commandLineBeatsEnvironmentBeatsSecretFilesBeatsDefaults() async throws {
        let secrets = TestDirectory.make()
        try "from-file".write(
            to: secrets.appendingPathComponent("shop-admin-password"), atomically: true, encoding: .utf8)
        try "5999".write(to: secrets.appendingPathComponent("port"), atomically: true, encoding: .utf8)
        let reader = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc", "--port", "6001", "--database-url", "sqlite::memory:"],
            environment: ["SECRETS_DIR": secrets.path, "PORT": "7001", "LOG_LEVEL": "debug", "HTTP_HOST": "0.0.0.0"])
        let service = ServiceConfiguration(reader: reader, name: "user-service", defaultPort: 5001)
        #expect(service.port == 6001)
        #expect(service.databaseURL == "sqlite::memory:")
        #expect(service.host == "0.0.0.0")
        #expect(service.logLevel == .debug)
        #expect(service.bodyLimit == 1 << 20)
        #expect(reader.string(forKey: "shop.admin.password") == "from-file")

        let fromEnvironment = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": secrets.path, "PORT": "7001"])
        #expect(ServiceConfiguration(reader: fromEnvironment, name: "x", defaultPort: 1).port == 7001)
        let fromFile = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": secrets.path])
        #expect(ServiceConfiguration(reader: fromFile, name: "x", defaultPort: 1).port == 5999)
        let defaults = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": "/nonexistent/secrets"])
        let service2 = ServiceConfiguration(reader: defaults, name: "product-service", defaultPort: 5002)
        #expect(service2.port == 5002)
        #expect(service2.databaseURL == "sqlite://.shop/product-service.db")
    }
}
