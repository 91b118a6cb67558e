import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `DATABASE_URL`: `sqlite:///abs/path.db`, `sqlite://relative/path.db`,
/// `sqlite::memory:` or `postgres://user:pass@host:port/db[?sslmode=disable&host=/socket/dir]`.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case sqliteMemory
    case postgres(PostgresLocation)

    public struct PostgresLocation: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var socketDirectory: String?
        public var username: String
        public var password: String?
        public var database: String
        public var requireTLS: Bool
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ string: String) throws {
        if string == "sqlite::memory:" {
            self = .sqliteMemory
            return
        }
        if string.hasPrefix("sqlite://") {
            let path = String(string.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw Invalid(description: "sqlite URL has no path") }
            self = .sqlite(path: path)
            return
        }
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw Invalid(description: "DATABASE_URL must start with sqlite:// or postgres://")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard let user = components.user, !user.isEmpty, !database.isEmpty else {
            throw Invalid(description: "postgres URL needs a user and a database name")
        }
        self = .postgres(
            PostgresLocation(
                host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost",
                port: components.port ?? 5432,
                socketDirectory: query["host"],
                username: user.removingPercentEncoding ?? user,
                password: components.password?.removingPercentEncoding,
                database: database,
                requireTLS: ["require", "verify-full", "verify-ca"].contains(query["sslmode"] ?? "")
            ))
    }
}

extension DatabaseURL.PostgresLocation {
    func clientConfiguration(poolSize: Int) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username,
                password: password, database: database)
        } else {
            configuration = .init(
                host: host, port: port, username: username, password: password, database: database,
                tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        }
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.minimumConnections = 0
        configuration.options.connectionIdleTimeout = .seconds(60)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
