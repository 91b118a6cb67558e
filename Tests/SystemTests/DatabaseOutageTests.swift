import Foundation
import Logging
import ShopPlatform
import ShopTestSupport
import Synchronization
import Testing

/// What a service's database handle does when PostgreSQL goes away mid-transaction.
@Suite("Database outage")
struct DatabaseOutageTests {
    final class Outcome: Sendable {
        let value = Mutex<String?>(nil)
    }

    /// A transaction in flight when the server crashes (`immediate`) or shuts
    /// down (`fast`) fails, within seconds (the bound allows for a busy machine;
    /// the bug was forever). Before, its ROLLBACK was sent on the dead
    /// connection and never answered: the request hung for good, and a service
    /// asked to stop waited for it forever.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)), arguments: ["immediate", "fast"])
    func aTransactionInFlightFailsPromptly(mode: String) async throws {
        let postgres = try await PrivatePostgres.start()
        defer { postgres.destroy() }
        let url = try await PostgresTestServer.createDatabase(on: postgres.baseURL)
        let database = try await ShopDatabase.open(url: url, poolSize: 2, logger: Logger(label: "outage"))
        try await database.withRunningService {
            try await database.withConnection { try await $0.raw("SELECT 1").run() }
            let outcome = Outcome()
            let transaction = Task {
                do {
                    try await database.transaction { try await $0.raw("SELECT pg_sleep(5)").run() }
                    outcome.value.withLock { $0 = "committed" }
                } catch {
                    outcome.value.withLock { $0 = "failed" }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            if mode == "immediate" { try await postgres.crash() } else { try await postgres.stopFast() }
            var waited = 0
            while outcome.value.withLock({ $0 }) == nil, waited < 150 {
                try await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            #expect(outcome.value.withLock { $0 } == "failed", "still waiting after \(waited * 100) ms")
            transaction.cancel()
            // And the pool serves again once the server is back.
            try await postgres.start()
            try await database.withConnection { try await $0.raw("SELECT 1").run() }
        }
    }
}
