import Foundation
import Logging
import PostgresNIO
import Testing

/// The databases a suite runs against: SQLite always, PostgreSQL when the test
/// script exported `TEST_POSTGRES_URL` (it always does; CI fails without it).
public enum TestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    public static var available: [TestBackend] {
        ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public var testDescription: String { rawValue }

    /// A fresh, empty database for one test: a new SQLite file, or a new
    /// PostgreSQL database created on the throwaway server.
    public func makeDatabaseURL() async throws -> String {
        switch self {
        case .sqlite:
            return "sqlite://\(TestDirectory.make().appendingPathComponent("test.db").path)"
        case .postgres:
            return try await PostgresTestServer.createDatabase()
        }
    }
}

public enum TestDirectory {
    public static func make() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("microshop-tests")
            .appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public enum PostgresTestServer {
    /// A new, empty database on the server at `base` (by default the one the
    /// test script started).
    public static func createDatabase(
        on base: String? = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"]
    ) async throws -> String {
        guard let base, var components = URLComponents(string: base)
        else { throw TestSetupError("TEST_POSTGRES_URL is not set") }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let configuration = PostgresConnection.Configuration(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "test-postgres"))
        do {
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        components.path = "/" + name
        return components.string!
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
