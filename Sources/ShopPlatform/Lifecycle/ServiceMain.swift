import Configuration
import Foundation
import Hummingbird
import Logging
import OTel
import ServiceLifecycle

/// What a service executable is: a descriptor (name, standard port), a schema,
/// and an application. `serve`, `migrate` and `seed` come with it, the same for all.
public protocol ShopServiceEntry: Sendable {
    associatedtype App: ApplicationProtocol
    static var descriptor: ServiceDescriptor { get }
    /// The schema `migrate` applies; empty for a service without a database.
    static var migrations: [Migration] { get }
    static func buildApplication(reader: ConfigReader, readiness: Readiness) async throws -> App
    /// `telemetry` are services (the trace exporter) to run alongside the application.
    static func serve(reader: ConfigReader, logger: Logger, telemetry: [any Service]) async throws
    static func migrate(reader: ConfigReader, logger: Logger) async throws
    /// Loads demo data; services without any keep the default, which does nothing.
    static func seed(reader: ConfigReader, logger: Logger) async throws
}

extension ShopServiceEntry {
    public static var name: String { descriptor.name }

    public static func serve(reader: ConfigReader, logger: Logger, telemetry: [any Service]) async throws {
        let readiness = Readiness(drainDelay: .seconds(reader.int(forKey: "shutdown.drain.seconds", default: 0)))
        try await buildApplication(reader: reader, readiness: readiness)
            .runUntilTerminated(readiness: readiness, telemetry: telemetry, logger: logger)
    }

    public static func migrate(reader: ConfigReader, logger: Logger) async throws {
        guard !migrations.isEmpty else {
            logger.info("\(name) has no database to migrate")
            return
        }
        let configuration = ServiceConfiguration(reader: reader, service: descriptor)
        let database = try await ShopDatabase.open(url: configuration.databaseURL, logger: logger)
        let applied = try await database.withRunningService { try await migrate(database, logger: logger) }
        logger.info("migrations complete", metadata: ["applied": "\(applied)"])
    }

    /// Brings `database` to this service's schema; returns the versions applied.
    @discardableResult
    public static func migrate(_ database: ShopDatabase, logger: Logger) async throws -> [Int] {
        try await MigrationRunner(service: name, database: database, migrations: migrations, logger: logger).migrate()
    }

    public static func seed(reader: ConfigReader, logger: Logger) async throws {
        logger.info("\(name) has no demo data to seed")
    }
}

/// The shared `main` of every service: `<service> [serve|migrate] [--key value ...]`.
///
/// The thin per-service executables and `shop serve <service>` both land here,
/// so a service runs the same code however it was started.
public enum ServiceMain {
    /// Runs the command; a failure to start (production mode refusing a
    /// missing secret, an unreachable database, a bad flag) is printed as one
    /// line on standard error and the process exits 1, at once: not a trap
    /// and a backtrace, which took tens of seconds on a loaded machine.
    public static func run(_ entry: any ShopServiceEntry.Type, arguments: [String]) async throws {
        do {
            try await command(entry, arguments: arguments)
        } catch {
            // The lines that led here go out first.
            ShopLogHandler.flushOutput()
            FileHandle.standardError.write(Data("\(entry.name): \(error)\n".utf8))
            exit(1)
        }
    }

    private static func command(_ entry: any ShopServiceEntry.Type, arguments: [String]) async throws {
        var arguments = arguments
        let program = arguments.isEmpty ? entry.name : arguments.removeFirst()
        var command = "serve"
        if let first = arguments.first, !first.hasPrefix("-") {
            command = arguments.removeFirst()
        }
        let reader = try await ConfigReader.shopWithSecretFiles(arguments: [program] + arguments)
        let level = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
        // Lines written inside a traced request carry its trace_id and span_id.
        let format: ShopLogHandler.Format =
            reader.string(forKey: "log.format", default: "text") == "json" ? .json : .text
        LoggingSystem.bootstrap(
            { label, provider in
                var handler = ShopLogHandler(label: label, format: format, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: OTel.makeLoggingMetadataProvider())
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
