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

    /// Kubernetes mounts a Secret as links into a hidden, timestamped folder
    /// (`key -> ..data/key`, `..data -> ..2026_11_29_...`) so that it can swap
    /// every key at once. The secrets are read through those links; a reader
    /// that took regular files only started the services without any secret.
    @Test func secretsMountedTheKubernetesWayAreRead() async throws {
        let secrets = TestDirectory.make()
        let version = secrets.appendingPathComponent("..2026_11_29_04_00_00.123456789")
        try FileManager.default.createDirectory(at: version, withIntermediateDirectories: true)
        for (key, value) in [("shop-admin-password", "from-kubernetes"), ("service-token", "token-from-kubernetes")] {
            try value.write(to: version.appendingPathComponent(key), atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(
                atPath: secrets.appendingPathComponent(key).path, withDestinationPath: "..data/\(key)")
        }
        try FileManager.default.createSymbolicLink(
            atPath: secrets.appendingPathComponent("..data").path, withDestinationPath: version.lastPathComponent)

        let reader = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": secrets.path])
        #expect(reader.string(forKey: "shop.admin.password") == "from-kubernetes")
        #expect(reader.string(forKey: "service.token") == "token-from-kubernetes")
    }

    /// A `..data` that is a file, not a folder, is just a secret file: the
    /// folder is read as it is (it once stopped every service from starting).
    @Test func aDotDotDataFileIsNotAFolder() async throws {
        let secrets = TestDirectory.make()
        try "plain".write(to: secrets.appendingPathComponent("service-token"), atomically: true, encoding: .utf8)
        try "x".write(to: secrets.appendingPathComponent("..data"), atomically: true, encoding: .utf8)
        let reader = try await ConfigReader.shopWithSecretFiles(
            arguments: ["svc"], environment: ["SECRETS_DIR": secrets.path])
        #expect(reader.string(forKey: "service.token") == "plain")
    }

    /// In production a database service must be told its database: a missing
    /// `database.url` would give every replica a private SQLite file of its own.
    @Test func productionNeedsTheDatabaseURLNamed() throws {
        func start(_ environment: [String: String], usesDatabase: Bool) throws {
            let reader = ConfigReader.shop(arguments: ["svc"], environment: environment)
            _ = try ServiceConfiguration(reader: reader, service: .productService).start(usesDatabase: usesDatabase)
        }
        #expect(throws: ProductionMode.Refusal.self) { try start(["SHOP_MODE": "production"], usesDatabase: true) }
        do {
            try start(["SHOP_MODE": "production"], usesDatabase: true)
        } catch let refusal as ProductionMode.Refusal {
            #expect(refusal.problems == ["database.url is not set"])
        }
        try start(["SHOP_MODE": "production", "DATABASE_URL": "sqlite:///data/products.db"], usesDatabase: true)
        try start(["SHOP_MODE": "production"], usesDatabase: false)
        try start([:], usesDatabase: true)
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
