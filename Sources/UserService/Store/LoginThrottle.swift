import Foundation
import SQLKit
import ShopPlatform

/// Counts failed logins per username in the database, so every replica sees the
/// same count. After `maxFailures` in a row the username is locked for `lockout`.
struct LoginThrottle: Sendable {
    let database: ShopDatabase
    let maxFailures: Int
    let lockout: Duration

    /// Seconds until the username may try again, or nil when it may try now.
    func retryAfter(username: String, now: Date = Date()) async throws -> Int? {
        let row = try await database.withConnection { db in
            try await db.raw(
                "SELECT locked_until FROM login_throttle WHERE username_key = \(bind: username.lowercased())"
            ).first()
        }
        guard let lockedUntil = try row?.decode(column: "locked_until", as: Date?.self), lockedUntil > now else {
            return nil
        }
        return max(1, Int(lockedUntil.timeIntervalSince(now).rounded(.up)))
    }

    func recordFailure(username: String, now: Date = Date()) async throws {
        let key = username.lowercased()
        let lockedUntil = now.addingTimeInterval(TimeInterval(lockout.components.seconds))
        let maxFailures = self.maxFailures
        try await database.transaction { db in
            try await db.raw(
                """
                INSERT INTO login_throttle (username_key, failures, locked_until) VALUES (\(bind: key), 1, NULL)
                ON CONFLICT (username_key) DO UPDATE SET failures = login_throttle.failures + 1
                """
            ).run()
            // Lock and start counting again once the limit is reached.
            try await db.raw(
                """
                UPDATE login_throttle SET locked_until = \(bind: lockedUntil), failures = 0
                WHERE username_key = \(bind: key) AND failures >= \(bind: maxFailures)
                """
            ).run()
        }
    }

    func recordSuccess(username: String) async throws {
        try await database.withConnection { db in
            try await db.raw("DELETE FROM login_throttle WHERE username_key = \(bind: username.lowercased())").run()
        }
    }
}
