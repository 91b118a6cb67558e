import Foundation
import ShopPlatform

/// The shop under test, one plan for every way the tests run it: what all
/// services share (data folder, service credential, quiet logs, connections
/// that survive a loaded run's pauses), what each needs under test (cheap
/// password hashing, a known admin), and how they find each other (each
/// descriptor's URL variable). The harnesses run services in this process
/// (`run`); the system tests start the same environments as real processes.
public struct TestShop: Sendable {
    public static let serviceToken = "test-service-token"
    public static let adminUsername = "admin"
    public static let adminPassword = "admin-password-1"

    /// Where the services keep their files (keys, secrets, SQLite databases).
    public let dataDirectory: String
    /// Settings for every service, over the defaults.
    public var shared: [String: String]
    /// One service's own settings, over `shared`.
    public var settings: [ServiceDescriptor: [String: String]]

    public init(
        shared: [String: String] = [:], settings: [ServiceDescriptor: [String: String]] = [:],
        dataDirectory: String = TestDirectory.make().path
    ) {
        self.shared = shared
        self.settings = settings
        self.dataDirectory = dataDirectory
    }

    /// The environment `service` starts with: the defaults, `shared`, its own
    /// settings, then the URLs of the services it calls and its database (none
    /// for the frontend), which no setting overrides.
    public func environment(
        for service: ServiceDescriptor, database: String? = nil, urls: [ServiceDescriptor: String] = [:]
    ) -> [String: String] {
        var environment = [
            "DATA_DIR": dataDirectory, "SERVICE_TOKEN": Self.serviceToken, "LOG_LEVEL": "warning",
            // Test clients keep one connection that may sit quiet for long on a
            // loaded machine; the idle timeout is tested on its own (OWASP API4).
            "HTTP_IDLE_TIMEOUT_SECONDS": "3600",
        ]
        if service == .userService {
            environment.merge([
                "BCRYPT_COST": "4", "SHOP_ADMIN_USERNAME": Self.adminUsername,
                "SHOP_ADMIN_PASSWORD": Self.adminPassword,
            ]) { $1 }
        }
        environment.merge(shared) { $1 }
        environment.merge(settings[service] ?? [:]) { $1 }
        for (other, url) in urls where other != service { environment[other.urlVariable] = url }
        if let database { environment["DATABASE_URL"] = database }
        return environment
    }
}
