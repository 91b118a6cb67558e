import Foundation
import SQLKit
import ShopPlatform

/// Limits login attempts per username to `maxAttempts` in a window of `window`,
/// in the database so every replica sees the same count.
///
/// An attempt is claimed before the password is checked, in one atomic upsert, so
/// the limit holds however many guesses arrive at once: the (N+1)th concurrent
/// guess is refused without any bcrypt work. A successful login clears the count.
/// Rows of windows that have ended are swept, so the table holds only usernames
/// tried within the last window.
struct LoginThrottle: Sendable {
    let database: ShopDatabase
    let maxAttempts: Int
    let window: Duration

    /// Claims one attempt for `username`. Returns nil when it may go ahead, or the
    /// seconds until its window ends when the limit is already used up.
    func claimAttempt(username: String, now: Date = Date()) async throws -> Int? {
        let key = username.lowercased()
        let windowSeconds = TimeInterval(window.components.seconds)
        let cutoff = now.addingTimeInterval(-windowSeconds)
        let row = try await database.withConnection { db in
            try await db.raw(
                """
                INSERT INTO login_throttle (username_key, failures, window_started)
                VALUES (\(bind: key), 1, \(bind: now))
                ON CONFLICT (username_key) DO UPDATE SET
                    failures = CASE WHEN login_throttle.window_started IS NULL
                        OR login_throttle.window_started <= \(bind: cutoff)
                        THEN 1 ELSE login_throttle.failures + 1 END,
                    window_started = CASE WHEN login_throttle.window_started IS NULL
                        OR login_throttle.window_started <= \(bind: cutoff)
                        THEN \(bind: now) ELSE login_throttle.window_started END
                RETURNING failures, window_started
                """
            ).first()
        }
        guard let row else { throw ProblemError(.internalServerError, "login throttle returned no row") }
        let attempts = try row.decode(column: "failures", as: Int.self)
        let started = try row.decode(column: "window_started", as: Date.self)
        if attempts == 1 { try await sweep(before: cutoff) }
        guard attempts > maxAttempts else { return nil }
        return max(1, Int(started.addingTimeInterval(windowSeconds).timeIntervalSince(now).rounded(.up)))
    }

    /// A successful login: the count starts again.
    func clear(username: String) async throws {
        try await database.withConnection { db in
            try await db.raw("DELETE FROM login_throttle WHERE username_key = \(bind: username.lowercased())").run()
        }
    }

    private func sweep(before cutoff: Date) async throws {
        try await database.withConnection { db in
            try await db.raw("DELETE FROM login_throttle WHERE window_started <= \(bind: cutoff)").run()
        }
    }
}
