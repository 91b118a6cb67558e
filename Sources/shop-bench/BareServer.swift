import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import SQLKit
import ShopPlatform

/// The framework's ceiling: a Hummingbird application with nothing of the
/// shop's (no middleware, no logging, no metrics) answering `/health/live`
/// with the services' body. `scripts/bench` measures every path against it.
///
/// With `--database-url`, also the floor a database read sets: `/read/1` and
/// `/read/2` answer the same body after one or two reads of a row through
/// `ShopDatabase`, the stores' own path (for SQLite: sqlite-kit, sqlite-nio's
/// thread pool, the write gate). `/v1/users/me` needs two such reads (the
/// token's session, then the account), so this says how close to the ceiling
/// a service's database reads can come, whatever the service does around them.
struct BareServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-server", abstract: "Serves /health/live with bare Hummingbird.")

    @Option var port = 6099
    @Option(help: "sqlite://PATH or postgres://...: also serve /read/1 and /read/2.")
    var databaseURL: String?

    func run() async throws {
        let body = ByteBuffer(string: #"{"checks":{},"status":"ok"}"#)
        let ok: @Sendable () -> Response = {
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        let router = Router()
        router.get("/health/live") { _, _ in ok() }
        var logger = Logger(label: "bare-server")
        logger.logLevel = .warning
        var opened: ShopDatabase?
        if let databaseURL {
            let database = try await ShopDatabase.open(url: databaseURL, poolSize: 4, logger: logger)
            router.get("/read/:count") { _, context in
                let count = min(2, max(1, Int(context.parameters.get("count") ?? "") ?? 1))
                for _ in 0..<count { _ = try await Self.readAccount(database) }
                return ok()
            }
            opened = database
        }
        var app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            services: opened.map { [$0.service] } ?? [], logger: logger)
        if let opened { app.beforeServerStarts { try await Self.createAccount(opened) } }
        try await app.runService()
    }

    /// A row shaped like an account: a handful of text columns and a date.
    static func createAccount(_ database: ShopDatabase) async throws {
        try await database.withConnection { db in
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS bench_accounts (id INTEGER PRIMARY KEY, username TEXT NOT NULL,
                    email TEXT NOT NULL, created_at TEXT NOT NULL)
                """
            ).run()
            try await db.raw(
                """
                INSERT INTO bench_accounts (id, username, email, created_at)
                VALUES (1, 'bench', 'bench@example.com', '2026-01-01T00:00:00Z') ON CONFLICT (id) DO NOTHING
                """
            ).run()
        }
    }

    static func readAccount(_ database: ShopDatabase) async throws -> String? {
        try await database.withConnection { db in
            try await db.raw("SELECT id, username, email, created_at FROM bench_accounts WHERE id = \(bind: 1)")
                .first()?.decode(column: "username", as: String.self)
        }
    }
}
