import Foundation
import SQLKit
import ShopPlatform

/// Refresh tokens, stored as SHA-256 hashes and grouped in families.
///
/// A family starts at login. Each refresh marks the presented token used and adds
/// its successor to the family. Presenting a used token again means it leaked:
/// the whole family is revoked, which also ends its access tokens at user-service
/// at once and at every other service within their revocation poll.
///
/// Invariant: a family is revoked as soon as any one of its tokens is. A
/// rotation racing a revocation may insert a successor the revocation did not
/// see (PostgreSQL, READ COMMITTED), so every check asks about the family, not
/// the token: that successor is dead with the rest.
///
/// Except within `reuseGrace` of its first use: two tabs of one browser that
/// refresh with the same token at nearly the same moment are one client racing
/// itself, not a thief, so the later one gets a sibling token in the same family,
/// once per token.
struct RefreshSessionStore: Sendable {
    let database: ShopDatabase
    var reuseGrace: Duration = .seconds(10)

    enum RotationOutcome: Sendable, Equatable {
        case rotated(userID: Int64, familyID: String)
        /// A repeat within the grace: a sibling pair in the same family.
        case repeated(userID: Int64, familyID: String)
        /// Unknown, expired or revoked: just refuse.
        case invalid
        /// Already used: a replay; the family has been revoked.
        case reused
    }

    /// No token of the row's family is revoked.
    private static let familyIntact: SQLQueryString = """
        NOT EXISTS (SELECT 1 FROM refresh_sessions revoked
            WHERE revoked.family_id = refresh_sessions.family_id AND revoked.revoked_at IS NOT NULL)
        """

    func create(userID: Int64, familyID: String, tokenHash: String, expiresAt: Date) async throws {
        try await database.withConnection { db in
            try await Self.insert(db, userID: userID, familyID: familyID, tokenHash: tokenHash, expiresAt: expiresAt)
        }
    }

    /// Atomically consumes `tokenHash` and stores `newTokenHash` in the same family.
    func rotate(tokenHash: String, newTokenHash: String, newExpiresAt: Date, now: Date = Date()) async throws
        -> RotationOutcome
    {
        let grace = TimeInterval(reuseGrace.components.seconds)
        return try await database.transaction { db in
            // The conditional UPDATE is the claim: of two concurrent refreshes with
            // one token, only one sees a row come back.
            let claimed = try await db.raw(
                """
                UPDATE refresh_sessions SET used_at = \(bind: now)
                WHERE token_hash = \(bind: tokenHash) AND used_at IS NULL AND revoked_at IS NULL
                    AND expires_at > \(bind: now) AND \(Self.familyIntact)
                RETURNING user_id, family_id
                """
            ).first()
            // The repeat within the grace, claimed the same way (once per token).
            let repeated: (any SQLRow)?
            if claimed == nil, grace > 0 {
                repeated = try await db.raw(
                    """
                    UPDATE refresh_sessions SET reused_at = \(bind: now)
                    WHERE token_hash = \(bind: tokenHash) AND used_at IS NOT NULL AND reused_at IS NULL
                        AND used_at >= \(bind: now.addingTimeInterval(-grace))
                        AND used_at <= \(bind: now.addingTimeInterval(grace))
                        AND revoked_at IS NULL AND expires_at > \(bind: now) AND \(Self.familyIntact)
                    RETURNING user_id, family_id
                    """
                ).first()
            } else {
                repeated = nil
            }
            if let row = claimed ?? repeated {
                let userID = try row.decode(column: "user_id", as: Int64.self)
                let familyID = try row.decode(column: "family_id", as: String.self)
                try await Self.insert(
                    db, userID: userID, familyID: familyID, tokenHash: newTokenHash, expiresAt: newExpiresAt)
                return claimed == nil
                    ? .repeated(userID: userID, familyID: familyID) : .rotated(userID: userID, familyID: familyID)
            }
            guard
                let existing = try await db.raw(
                    "SELECT family_id, used_at FROM refresh_sessions WHERE token_hash = \(bind: tokenHash)"
                ).first(),
                try existing.decodeNil(column: "used_at") == false
            else { return .invalid }
            let familyID = try existing.decode(column: "family_id", as: String.self)
            try await Self.revoke(db, familyID: familyID, now: now)
            return .reused
        }
    }

    func revokeFamily(_ familyID: String) async throws {
        try await database.withConnection { db in try await Self.revoke(db, familyID: familyID, now: Date()) }
    }

    /// Revokes the family `refreshToken` belongs to, used or not: a client can end
    /// its session without a live access token. Unknown tokens change nothing.
    func revokeFamily(holding tokenHash: String) async throws {
        try await database.withConnection { db in
            try await db.raw(
                """
                UPDATE refresh_sessions SET revoked_at = \(bind: Date())
                WHERE revoked_at IS NULL AND family_id IN (
                    SELECT family_id FROM refresh_sessions WHERE token_hash = \(bind: tokenHash))
                """
            ).run()
        }
    }

    /// Revokes every family of `userID` but `keeping` (the caller's own session),
    /// on `db`: the account writes that take a right away run it in their own
    /// transaction (`SQLUserStore`), so no right is gone while its sessions live.
    static func revokeFamilies(ofUser userID: Int64, keeping familyID: String? = nil, on db: any SQLDatabase)
        async throws
    {
        try await db.raw(
            """
            UPDATE refresh_sessions SET revoked_at = \(bind: Date())
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL
                AND family_id <> \(bind: familyID ?? "")
            """
        ).run()
    }

    /// Families revoked after `since`, each once with when it was revoked.
    func familiesRevoked(since: Date) async throws -> [(familyID: String, revokedAt: Date)] {
        try await database.withConnection { db in
            try await db.raw(revokedFamilies(since: since)).all().map {
                (
                    try $0.decode(column: "family_id", as: String.self),
                    try $0.decode(column: "revoked_at", as: Date.self)
                )
            }
        }
    }

    /// `familiesRevoked`' query, polled by every other service: it reads the
    /// revocations after `since` by their index. SQLite, which keeps no
    /// statistics here, is told so: left to itself it read every token ever
    /// issued in family order, to spare itself sorting the groups.
    func revokedFamilies(since: Date) -> SQLQueryString {
        let byRevocation: SQLQueryString = database.kind == .sqlite ? " INDEXED BY refresh_sessions_revoked" : ""
        return """
            SELECT family_id, MAX(revoked_at) AS revoked_at FROM refresh_sessions\(byRevocation)
            WHERE revoked_at IS NOT NULL AND revoked_at > \(bind: since)
            GROUP BY family_id ORDER BY 2
            """
    }

    /// True while the family exists, none of its tokens was revoked, and it is
    /// `userID`'s, an active user: one query on every authenticated request.
    ///
    /// Only the family is bound. A bound user id or flag on the joined account
    /// made SQLite plan the statement twice per request (sqlite-nio prepares,
    /// then binds, and the binding expired the plan), so the flag is written in
    /// and the user compared here: a family's tokens are all one user's.
    func isLive(familyID: String, userID: Int64) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw(Self.liveRow(familyID: familyID)).first()?.decode(column: "user_id", as: Int64.self)
                == userID
        }
    }

    /// `isLive`'s query: the family's first token whose account is active, while
    /// none of the family's tokens was revoked.
    static func liveRow(familyID: String) -> SQLQueryString {
        """
        SELECT refresh_sessions.user_id FROM refresh_sessions JOIN users ON users.id = refresh_sessions.user_id
        WHERE refresh_sessions.family_id = \(bind: familyID) AND users.is_active = \(SQLLiteral.boolean(true))
            AND \(Self.familyIntact)
        LIMIT 1
        """
    }

    private static func insert(
        _ db: any SQLDatabase, userID: Int64, familyID: String, tokenHash: String, expiresAt: Date
    ) async throws {
        try await db.raw(
            """
            INSERT INTO refresh_sessions (id, family_id, user_id, token_hash, expires_at, created_at)
            VALUES (\(bind: UUID().uuidString), \(bind: familyID), \(bind: userID), \(bind: tokenHash),
                \(bind: expiresAt), \(bind: Date()))
            """
        ).run()
    }

    private static func revoke(_ db: any SQLDatabase, familyID: String, now: Date) async throws {
        try await db.raw(
            """
            UPDATE refresh_sessions SET revoked_at = \(bind: now)
            WHERE family_id = \(bind: familyID) AND revoked_at IS NULL
            """
        ).run()
    }
}
