import Foundation

/// Persistence of accounts. `SQLUserStore` implements it on PostgreSQL and SQLite.
protocol UserStore: Sendable {
    /// Inserts; throws `ProblemError` 409 when the username or email is taken.
    func create(_ user: NewUser) async throws -> User
    func find(id: Int64) async throws -> User?
    /// Case-insensitive.
    func find(username: String) async throws -> User?
    /// Users with `id > after`, ascending, at most `limit`.
    func list(after: Int64?, limit: Int) async throws -> [User]
    /// Writes the fields given (nil: as stored) and nothing else of the row, so
    /// a change made meanwhile to any other field, rights included, stays.
    /// Throws 409 when the new email is taken.
    func updateProfile(
        id: Int64, email: String?, firstName: String?, lastName: String?, passwordHash: String?
    ) async throws -> User
    /// Grants or takes away admin and the account itself (nil: as it is).
    /// Taking either from an active admin throws 409 when no other active admin
    /// would remain: the shop always keeps one, also when two admins remove
    /// each other at once.
    func setRights(id: Int64, isAdmin: Bool?, isActive: Bool?) async throws -> User
    func count() async throws -> Int
}
