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
        let service = ServiceConfiguration(reader: reader, service: .userService)
        #expect(service.port == 6001)
        #expect(service.databaseURL == "sqlite::memory:")
        #expect(service.host == "0.0.0.0")
        #expect(service.logLevel == .debug)
        #expect(service.bodyLimit == 1 << 20)
        #expect(reader.string(forKey: "shop.admin.password") == "from-file")

        let fromEnvironment = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": secrets.path, "PORT": "7001"])
        #expect(ServiceConfiguration(reader: fromEnvironment, service: .frontend).port == 7001)
        let fromFile = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": secrets.path])
        #expect(ServiceConfiguration(reader: fromFile, service: .frontend).port == 5999)
        let defaults = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": "/nonexistent/secrets"])
        let service2 = ServiceConfiguration(reader: defaults, service: .productService)
        #expect(service2.port == 5002)
        #expect(service2.databaseURL == "sqlite://.shop/product-service.db")
    }

    /// Each service is named once; its URL key is what compose, Kubernetes and
    /// `shop up` set, and what the flag spelling derives from.
    @Test func aServiceIsFoundThroughItsDescriptor() {
        #expect(ServiceDescriptor.all.map(\.name) == ["user-service", "product-service", "order-service", "frontend"])
        #expect(Set(ServiceDescriptor.all.map(\.defaultPort)).count == 4)
        #expect(ServiceDescriptor.orderService.urlVariable == "ORDER_SERVICE_URL")
        #expect(ServiceDescriptor.orderService.defaultURL() == "http://127.0.0.1:5003")

        let none = ConfigReader.shop(arguments: ["svc"], environment: [:])
        #expect(ServiceDescriptor.productService.url(from: none) == "http://127.0.0.1:5002")
        let fromEnvironment = ConfigReader.shop(
            arguments: ["svc"], environment: ["PRODUCT_SERVICE_URL": "http://products:8080"])
        #expect(ServiceDescriptor.productService.url(from: fromEnvironment) == "http://products:8080")
        let fromFlag = ConfigReader.shop(
            arguments: ["svc", "--user-service-url", "http://users:1"], environment: ["USER_SERVICE_URL": "http://x"])
        #expect(ServiceDescriptor.userService.url(from: fromFlag) == "http://users:1")
    }
}
