import Foundation
import Logging
import SQLKit
import ShopPlatform
import ShopTestSupport
import Testing

/// Two processes on one SQLite file (`shop seed` beside `shop up`): a writer
/// that finds the file locked waits for it instead of failing with SQLITE_BUSY.
@Suite("SQLite across processes")
struct SQLiteLockingTests {
    @Test func aSecondWriterWaitsForTheFirst() async throws {
        let url = "sqlite://" + TestDirectory.make().appendingPathComponent("shared.db").path
        let logger = Logger(label: "test")
        let first = try await ShopDatabase.open(url: url, logger: logger)
        let second = try await ShopDatabase.open(url: url, logger: logger)
        try await first.withRunningService {
            try await second.withRunningService {
                try await first.withConnection { try await $0.raw("CREATE TABLE items (id INTEGER)").run() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await first.transaction { db in
                            try await db.raw("INSERT INTO items (id) VALUES (1)").run()
                            try await Task.sleep(for: .milliseconds(500))
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(100))
                        try await second.transaction { db in
                            try await db.raw("INSERT INTO items (id) VALUES (2)").run()
                        }
                    }
                    // A single statement outside a transaction waits too.
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(150))
                        try await second.withConnection { db in
                            try await db.raw("INSERT INTO items (id) VALUES (3)").run()
                        }
                    }
                    try await group.waitForAll()
                }
                let count = try await second.withConnection { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self)
                }
                #expect(count == 3)
            }
        }
    }
}
