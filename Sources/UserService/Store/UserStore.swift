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
    /// Saves mutable fields; throws 409 when the new email is taken.
    func update(_ user: User) async throws -> User
    func count() async throws -> Int
}
