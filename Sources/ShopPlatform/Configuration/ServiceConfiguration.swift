import Configuration
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SystemPackage

/// Settings every service reads the same way.
///
/// Precedence is command line > environment > defaults. Keys are flat so that a
/// person types `--port 5001 --database-url ...` and compose or Kubernetes sets
/// `PORT` / `DATABASE_URL`: swift-configuration derives both spellings from one key.
public struct ServiceConfiguration: Sendable {
    public let descriptor: ServiceDescriptor
    public var host: String
    public var port: Int
    public var databaseURL: String
    /// False when `databaseURL` is the local default (a SQLite file in the data folder).
    public var isDatabaseURLConfigured: Bool
    public var dataDirectory: String
    public var logLevel: Logger.Level
    public var bodyLimit: Int
    /// A connection that sends nothing complete (no request head, no body
    /// part) for this long is closed: slow or stalled clients cannot hold
    /// connections open (OWASP API4). Longer than the 60 s AsyncHTTPClient keeps
    /// an idle pooled connection, so a client never sends on one this closes.
    public var idleTimeout: Duration
    public var databasePoolSize: Int
    /// Production mode: missing or default secrets stop the service from starting.
    /// Anything but `development` (the default) counts, so a misspelt `prod` fails closed.
    public var isProduction: Bool
    /// Fault-injection rules (`faults`, see `Faults`); empty means none.
    public var faultRules: String

    /// Reads the common keys for `service`.
    public init(reader: ConfigReader, service: ServiceDescriptor) {
        self.descriptor = service
        self.host = reader.string(forKey: "http.host", default: "127.0.0.1")
        self.port = reader.int(forKey: "port", default: service.defaultPort)
        self.dataDirectory = reader.string(forKey: "data.dir", default: ".shop")
        let configuredDatabaseURL = reader.string(forKey: "database.url", isSecret: true)
        self.isDatabaseURLConfigured = configuredDatabaseURL != nil
        self.databaseURL = configuredDatabaseURL ?? "sqlite://\(dataDirectory)/\(service.name).db"
        self.logLevel = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
        self.bodyLimit = reader.int(forKey: "body.limit", default: 1 << 20)
        self.databasePoolSize = reader.int(forKey: "database.pool.size", default: 10)
        self.idleTimeout = .seconds(max(1, reader.int(forKey: "http.idle.timeout.seconds", default: 75)))
        self.isProduction = reader.string(forKey: "shop.mode", default: "development").lowercased() != "development"
        self.faultRules = reader.string(forKey: "faults", default: "")
    }

    public var name: String { descriptor.name }

    /// The service's logger: labelled with its name, at the configured level.
    public var logger: Logger {
        var logger = Logger(label: descriptor.name)
        logger.logLevel = logLevel
        return logger
    }

    /// Where and how the service listens: the configured address and HTTP/1.1
    /// with the idle timeout.
    public func server(port: Int? = nil, name: String? = nil) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(host, port: port ?? self.port), serverName: name ?? descriptor.serverName)
    }

    /// The service's application: `router` served on the configured address,
    /// HTTP/1.1 with the idle timeout, logging as the service.
    public func application<Router: HTTPResponderBuilder>(router: Router) -> Application<Router.Responder>
    where Router.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        Application(router: router, server: http1, configuration: server(), logger: logger)
    }

    /// HTTP/1.1 with the idle timeout.
    public var http1: HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: TimeAmount(idleTimeout)))
    }

    /// The configured faults; throws on a rule that does not parse, so a typo
    /// fails the start instead of silently injecting nothing.
    public func faults() throws -> Faults {
        try Faults(parsing: faultRules)
    }
}

extension ConfigReader {
    /// The reader tests use: `arguments` (program name first) override the
    /// environment, and `defaults` fill in what neither sets.
    public static func shop(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaults: [AbsoluteConfigKey: ConfigValue] = [:]
    ) -> ConfigReader {
        ConfigReader(providers: [
            CommandLineArgumentsProvider(arguments: arguments),
            EnvironmentVariablesProvider(environmentVariables: environment),
            InMemoryProvider(name: "defaults", values: defaults),
        ])
    }

    /// The reader executables use: command line > environment > secret files >
    /// defaults. Secret files are how compose and Kubernetes hand over secrets:
    /// one file per key in `SECRETS_DIR` (default `/run/secrets`), named like
    /// `shop-admin-password` for `shop.admin.password`; a missing folder is fine.
    /// Files are read once, at start: a rotated secret takes a restart.
    public static func shopWithSecretFiles(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> ConfigReader {
        var directory = environment["SECRETS_DIR"] ?? "/run/secrets"
        // Kubernetes mounts each key as a link into `..data` (which it swaps to
        // update all keys at once); the provider reads regular files only, so
        // it reads the folder the links point into.
        var isFolder = false
        if FileManager.default.fileExists(atPath: directory + "/..data", isDirectory: &isFolder), isFolder {
            directory += "/..data"
        }
        return ConfigReader(providers: [
            CommandLineArgumentsProvider(arguments: arguments),
            EnvironmentVariablesProvider(environmentVariables: environment),
            try await DirectoryFilesProvider(directoryPath: FilePath(directory), allowMissing: true),
        ])
    }
}
