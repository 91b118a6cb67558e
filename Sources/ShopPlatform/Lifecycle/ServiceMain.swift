import Configuration
import Foundation
import Logging
import ServiceLifecycle

/// What a service executable can do: serve HTTP, or apply its migrations and exit.
public protocol ShopServiceEntry: Sendable {
    static var name: String { get }
    /// `telemetry` are services (the trace exporter) to run alongside the application.
    static func serve(reader: ConfigReader, logger: Logger, telemetry: [any Service]) async throws
    static func migrate(reader: ConfigReader, logger: Logger) async throws
    /// Loads demo data; services without any keep the default, which does nothing.
    static func seed(reader: ConfigReader, logger: Logger) async throws
}

extension ShopServiceEntry {
    public static func seed(reader: ConfigReader, logger: Logger) async throws {
        logger.info("\(name) has no demo data to seed")
    }
}

/// The shared `main` of every service: `<service> [serve|migrate] [--key value ...]`.
///
/// The thin per-service executables and `shop serve <service>` both land here,
/// so a service runs the same code however it was started.
public enum ServiceMain {
    public static func run(_ entry: any ShopServiceEntry.Type, arguments: [String]) async throws {
        var arguments = arguments
        let program = arguments.isEmpty ? entry.name : arguments.removeFirst()
        var command = "serve"
        if let first = arguments.first, !first.hasPrefix("-") {
            command = arguments.removeFirst()
        }
        let reader = try await ConfigReader.shopWithSecretFiles(arguments: [program] + arguments)
        let level = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: entry.name)
        switch command {
        case "serve":
            let tracing = try ShopTracing.bootstrap(
                serviceName: entry.name, environment: ProcessInfo.processInfo.environment)
            try await entry.serve(reader: reader, logger: logger, telemetry: tracing.map { [$0] } ?? [])
        case "migrate":
            try await entry.migrate(reader: reader, logger: logger)
        case "seed":
            try await entry.seed(reader: reader, logger: logger)
        default:
            FileHandle.standardError.write(
                Data("usage: \(entry.name) [serve|migrate|seed] [--port N] [--database-url URL]\n".utf8))
            exit(64)
        }
    }
}
