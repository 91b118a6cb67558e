import Foundation
import SQLKit
import ShopPlatform

/// `UserStore` over SQLKit; the same queries run on PostgreSQL and SQLite.
struct SQLUserStore: UserStore {
    let database: ShopDatabase

    private static let columns = SQLQueryString(
        """
        id, username, email, first_name, last_name, password_hash, password_fits_bcrypt, is_admin, is_active,
        created_at, updated_at
        """)

    func create(_ user: NewUser) async throws -> User {
        let now = Date()
        do {
            let row = try await database.withConnection { db in
                try await db.raw(
                    """
                    INSERT INTO users (username, username_key, email, email_key, first_name, last_name,
                        password_hash, password_fits_bcrypt, is_admin, is_active, created_at, updated_at)
                    VALUES (\(bind: user.username), \(bind: user.username.lowercased()), \(bind: user.email),
                        \(bind: user.email.lowercased()), \(bind: user.firstName), \(bind: user.lastName),
                        \(bind: user.passwordHash), \(bind: true), \(bind: user.isAdmin), \(bind: true), \(bind: now),
                        \(bind: now))
                    RETURNING \(Self.columns)
                    """
                ).first()
            }
            guard let row else { throw ProblemError(.internalServerError, "user was not stored") }
            return try Self.decode(row)
        } catch  where ConstraintViolation.isUnique(error) {
            throw try await conflict(username: user.username, email: user.email)
        }
    }

    func find(id: Int64) async throws -> User? {
        try await find(id: id, lock: "")
    }

    func settled(id: Int64) async throws -> User? {
        try await find(id: id, lock: database.rowLock)
    }

    private func find(id: Int64, lock: SQLQueryString) async throws -> User? {
        try await database.withConnection { db in
            try await db.raw("SELECT \(Self.columns) FROM users WHERE id = \(bind: id)\(lock)").first()
        }.map(Self.decode)
    }

    func find(username: String) async throws -> User? {
        try await database.withConnection { db in
            try await db.raw("SELECT \(Self.columns) FROM users WHERE username_key = \(bind: username.lowercased())")
                .first()
        }.map(Self.decode)
    }

    func list(after: Int64?, limit: Int) async throws -> [User] {
        try await database.withConnection { db in
            try await db.raw(
                "SELECT \(Self.columns) FROM users WHERE id > \(bind: after ?? 0) ORDER BY id LIMIT \(bind: limit)"
            ).all()
        }.map(Self.decode)
    }

    func updateProfile(
        id: Int64, email: String?, firstName: String?, lastName: String?, passwordHash: String?,
        keepingSession: String?
    ) async throws -> User {
        do {
            let sessionLock = database.rowLock
            let row = try await database.transaction("update profile") { db in
                if passwordHash != nil {
                    // The account's live sessions first, before the account row: a
                    // new email takes `FOR UPDATE` on the row, and a refresh holding
                    // one of these while inserting its successor (`FOR KEY SHARE` on
                    // the row) would otherwise deadlock with the revocation below.
                    _ = try await db.raw(
                        """
                        SELECT id FROM refresh_sessions
                        WHERE user_id = \(bind: id) AND revoked_at IS NULL\(sessionLock)
                        """
                    ).all()
                }
                let row = try await db.raw(
                    """
                    UPDATE users SET email = COALESCE(\(bind: email), email),
                        email_key = COALESCE(\(bind: email?.lowercased()), email_key),
                        first_name = COALESCE(\(bind: firstName), first_name),
                        last_name = COALESCE(\(bind: lastName), last_name),
                        password_hash = CASE WHEN \(bind: passwordHash != nil)
                            THEN \(bind: passwordHash ?? "") ELSE password_hash END,
                        password_fits_bcrypt = CASE WHEN \(bind: passwordHash != nil)
                            THEN \(bind: true) ELSE password_fits_bcrypt END,
                        updated_at = \(bind: Date())
                    WHERE id = \(bind: id)
                    RETURNING \(Self.columns)
                    """
                ).first()
                if row != nil, passwordHash != nil {
                    try await RefreshSessionStore.revokeFamilies(ofUser: id, keeping: keepingSession, on: db)
                }
                return row
            }
            guard let row else { throw ProblemError.notFound("No user with id \(id)") }
            return try Self.decode(row)
        } catch  where ConstraintViolation.isUnique(error) {
            throw ProblemError.conflict("That email address is already registered")
        }
    }

    func setRights(id: Int64, isAdmin: Bool?, isActive: Bool?) async throws -> User {
        let lock = database.rowLockKeepingKeys
        let row = try await database.transaction("set account rights") { db in
            // The active admins' rows, locked in id order: a second admin
            // removing a right waits here and then sees this change. Not
            // `FOR UPDATE`: a refresh inserting a token of the account (which
            // takes `FOR KEY SHARE` on it) while holding the token it used would
            // deadlock with the revocation below.
            let admins = try await db.raw(
                "SELECT id FROM users WHERE is_admin = \(bind: true) AND is_active = \(bind: true) ORDER BY id\(lock)"
            ).all().map { try $0.decode(column: "id", as: Int64.self) }
            if admins.contains(id), isAdmin == false || isActive == false, admins.count == 1 {
                throw ProblemError.conflict("The shop must keep one active admin")
            }
            let row = try await db.raw(
                """
                UPDATE users SET
                    is_admin = CASE WHEN \(bind: isAdmin != nil) THEN \(bind: isAdmin ?? false) ELSE is_admin END,
                    is_active = CASE WHEN \(bind: isActive != nil) THEN \(bind: isActive ?? false) ELSE is_active END,
                    updated_at = \(bind: Date())
                WHERE id = \(bind: id)
                RETURNING \(Self.columns)
                """
            ).first()
            if row != nil, isAdmin == false || isActive == false {
                try await RefreshSessionStore.revokeFamilies(ofUser: id, on: db)
            }
            return row
        }
        guard let row else { throw ProblemError.notFound("No user with id \(id)") }
        return try Self.decode(row)
    }

    func count() async throws -> Int {
        try await database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Names which of the two unique fields clashed.
    private func conflict(username: String, email: String) async throws -> ProblemError {
        let usernameTaken = try await find(username: username) != nil
        return ProblemError.conflict(
            usernameTaken ? "That username is already taken" : "That email address is already registered")
    }

    private static func decode(_ row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: Int64.self),
            username: try row.decode(column: "username", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            firstName: try row.decode(column: "first_name", as: String.self),
            lastName: try row.decode(column: "last_name", as: String.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            passwordFitsBcrypt: try row.decode(column: "password_fits_bcrypt", as: Bool.self),
            isAdmin: try row.decode(column: "is_admin", as: Bool.self),
            isActive: try row.decode(column: "is_active", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}
