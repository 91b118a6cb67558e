import Foundation

/// Persistence of accounts. `SQLUserStore` implements it on PostgreSQL and SQLite.
protocol UserStore: Sendable {
    /// Inserts; throws `ProblemError` 409 when the username or email is taken.
    func create(_ user: NewUser) async throws -> User
    func find(id: Int64) async throws -> User?
    /// The account as it stands once any rights or password change of it in
    /// progress has committed (it waits for the row's lock on PostgreSQL;
    /// SQLite serialises writers anyway). A login checks its session against
    /// this reading: the change either shows here or revokes that session.
    func settled(id: Int64) async throws -> User?
    /// Case-insensitive.
    func find(username: String) async throws -> User?
    /// Users with `id > after`, ascending, at most `limit`.
    func list(after: Int64?, limit: Int) async throws -> [User]
    /// Writes the fields given (nil: as stored) and nothing else of the row, so
    /// a change made meanwhile to any other field, rights included, stays.
    /// A new password hash ends every session of the account but
    /// `keepingSession`, in the same transaction. Throws 409 when the new email
    /// is taken.
    func updateProfile(
        id: Int64, email: String?, firstName: String?, lastName: String?, passwordHash: String?,
        keepingSession: String?
    ) async throws -> User
    /// Grants or takes away admin and the account itself (nil: as it is).
    /// Taking either away (even one already gone, so that a retry still does)
    /// ends the account's sessions in the same transaction: no token issued
    /// with the right outlives the change. Taking either from an active admin
    /// throws 409 when no other active admin would remain: the shop always
    /// keeps one, also when two admins remove each other at once.
    func setRights(id: Int64, isAdmin: Bool?, isActive: Bool?) async throws -> User
    func count() async throws -> Int
}
