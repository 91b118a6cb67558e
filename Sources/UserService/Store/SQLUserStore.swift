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
        try await database.withConnection { db in
            try await db.raw("SELECT \(Self.columns) FROM users WHERE id = \(bind: id)").first()
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

    func update(_ user: User) async throws -> User {
        do {
            let row = try await database.withConnection { db in
                try await db.raw(
                    """
                    UPDATE users SET email = \(bind: user.email), email_key = \(bind: user.email.lowercased()),
                        first_name = \(bind: user.firstName), last_name = \(bind: user.lastName),
                        password_hash = \(bind: user.passwordHash),
                        password_fits_bcrypt = \(bind: user.passwordFitsBcrypt), is_admin = \(bind: user.isAdmin),
                        is_active = \(bind: user.isActive), updated_at = \(bind: Date())
                    WHERE id = \(bind: user.id)
                    RETURNING \(Self.columns)
                    """
                ).first()
            }
            guard let row else { throw ProblemError.notFound("No user with id \(user.id)") }
            return try Self.decode(row)
        } catch  where ConstraintViolation.isUnique(error) {
            throw ProblemError.conflict("That email address is already registered")
        }
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
