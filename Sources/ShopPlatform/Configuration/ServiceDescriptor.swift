import Configuration
import Logging

/// What names one of the shop's services everywhere: in logs and metrics, its
/// database file, its standard port, and the configuration key through which
/// the others find it. Each service is spelled here once.
public struct ServiceDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// `user-service`: the logger label, the default database file and the `shop` subcommand argument.
    public let name: String
    public let defaultPort: Int

    public static let userService = ServiceDescriptor(name: "user-service", defaultPort: 5001)
    public static let productService = ServiceDescriptor(name: "product-service", defaultPort: 5002)
    public static let orderService = ServiceDescriptor(name: "order-service", defaultPort: 5003)
    public static let frontend = ServiceDescriptor(name: "frontend", defaultPort: 5000)

    /// In start order: each service's dependencies come before it.
    public static let all: [ServiceDescriptor] = [userService, productService, orderService, frontend]

    public var description: String { name }

    /// The key the others read this service's base URL from: `user.service.url`,
    /// which swift-configuration also reads as `--user-service-url` and `USER_SERVICE_URL`.
    public var urlKey: String { name.replacingOccurrences(of: "-", with: ".") + ".url" }

    /// `urlKey` as an environment variable: `USER_SERVICE_URL`.
    public var urlVariable: String { urlKey.replacingOccurrences(of: ".", with: "_").uppercased() }

    /// Where the service listens when nobody configured otherwise.
    public func defaultURL(host: String = "127.0.0.1") -> String { "http://\(host):\(defaultPort)" }

    /// The configured base URL of this service, for a service that calls it.
    public func url(from reader: ConfigReader) -> String {
        reader.string(forKey: ConfigKey(urlKey), default: defaultURL())
    }

    /// The `Server` header and the application's name.
    public var serverName: String { "microshop-\(name)" }
}
