import Foundation
import SQLKit
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

/// Taking a right away (admin, the account, the old password) and ending the
/// account's sessions are one write. Before, the change committed first and
/// the revocation ran after it: when that failed, the right was gone but its
/// sessions, and the admin tokens they refresh, lived on.
@Suite("A right and its sessions go together")
struct RightsAndSessionsTests {
    /// Every revocation fails while `body` runs, as a database failing between
    /// two writes would make it.
    static func withRevocationsFailing(_ database: ShopDatabase, _ body: () async throws -> Void) async throws {
        let (install, remove): ([SQLQueryString], SQLQueryString) =
            database.kind == .postgres
            ? (
                [
                    """
                    CREATE OR REPLACE FUNCTION refuse_revocation() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'revocation refused by the test'; END $$
                    """,
                    """
                    CREATE TRIGGER refuse_revocation BEFORE UPDATE OF revoked_at ON refresh_sessions
                    FOR EACH ROW EXECUTE FUNCTION refuse_revocation()
                    """,
                ], "DROP TRIGGER refuse_revocation ON refresh_sessions"
            )
            : (
                [
                    """
                    CREATE TRIGGER refuse_revocation BEFORE UPDATE OF revoked_at ON refresh_sessions
                    BEGIN SELECT RAISE(ABORT, 'revocation refused by the test'); END
                    """
                ], "DROP TRIGGER refuse_revocation"
            )
        try await database.withConnection { db in for sql in install { try await db.raw(sql).run() } }
        do {
            try await body()
        } catch {
            try await database.withConnection { db in try await db.raw(remove).run() }
            throw error
        }
        try await database.withConnection { db in try await db.raw(remove).run() }
    }

    /// Refreshes every session of `sessions` while `change` runs. A refresh
    /// may lose to the change's revocation (401); anything else fails the test.
    static func refreshing(
        _ sessions: [SessionResource], _ accounts: Accounts, during change: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask {
                    do {
                        _ = try await accounts.refresh(RefreshInput(refreshToken: session.refreshToken))
                    } catch let problem as ProblemError where problem.status == .unauthorized {}
                }
            }
            group.addTask { try await change() }
            try await group.waitForAll()
        }
    }

    static func isLive(_ session: SessionResource, of user: User, _ accounts: Accounts) async throws -> Bool {
        try await accounts.sessions.isLive(
            familyID: try RevocationTests.sessionID(of: session.accessToken), userID: user.id)
    }

    @Test(arguments: TestBackend.available)
    func aDemotionOrDeactivationThatCannotEndTheSessionsChangesNothing(backend: TestBackend) async throws {
        try await AccountWriteRaceTests.withAccounts(backend) { accounts in
            let boss = AccountWriteRaceTests.principal(try await AccountWriteRaceTests.admin("boss", accounts))
            for change in [AccountAdminInput(isAdmin: false), AccountAdminInput(isActive: false)] {
                let target = try await AccountWriteRaceTests.admin("t-\(UUID().uuidString.prefix(8))", accounts)
                let session = try await accounts.startSession(for: target)
                try await Self.withRevocationsFailing(accounts.sessions.database) {
                    await #expect(throws: (any Error).self) {
                        try await accounts.administer(userID: target.id, by: boss, with: change)
                    }
                }
                let after = try #require(try await accounts.users.find(id: target.id))
                #expect(after.isAdmin && after.isActive, "the right stays with its sessions")
                #expect(try await Self.isLive(session, of: target, accounts))

                // Once the database works again, the same request takes both.
                let changed = try await accounts.administer(userID: target.id, by: boss, with: change)
                #expect(!(changed.isAdmin && changed.isActive))
                #expect(try await !Self.isLive(session, of: target, accounts))
            }
        }
    }

    /// A session is live only for its own account, and only while that account
    /// is active (the account's flag alone, without the revocation that
    /// deactivating through `setRights` also makes).
    @Test(arguments: TestBackend.available)
    func aSessionIsLiveOnlyForItsOwnActiveAccount(backend: TestBackend) async throws {
        try await AccountWriteRaceTests.withAccounts(backend) { accounts in
            let pat = try await accounts.register(
                RegistrationInput(username: "pat", email: "pat@example.com", password: "password-123"))
            let sam = try await accounts.register(
                RegistrationInput(username: "sam", email: "sam@example.com", password: "password-123"))
            let session = try await accounts.startSession(for: pat)
            #expect(try await Self.isLive(session, of: pat, accounts))
            #expect(try await !Self.isLive(session, of: sam, accounts), "another account's session")
            try await accounts.sessions.database.withConnection { db in
                try await db.raw("UPDATE users SET is_active = \(bind: false) WHERE id = \(bind: pat.id)").run()
            }
            #expect(try await !Self.isLive(session, of: pat, accounts), "an inactive account")
        }
    }

    @Test(arguments: TestBackend.available)
    func aPasswordChangeThatCannotEndTheOtherSessionsChangesNothing(backend: TestBackend) async throws {
        try await AccountWriteRaceTests.withAccounts(backend) { accounts in
            let user = try await accounts.register(
                RegistrationInput(username: "pat", email: "pat@example.com", password: "password-123"))
            let elsewhere = try await accounts.startSession(for: user)
            let here = try await accounts.startSession(for: user)
            let change = ProfileUpdateInput(password: "a-new-password-9", currentPassword: "password-123")
            let hereID = try RevocationTests.sessionID(of: here.accessToken)
            try await Self.withRevocationsFailing(accounts.sessions.database) {
                await #expect(throws: (any Error).self) {
                    try await accounts.updateProfile(of: user, with: change, session: hereID)
                }
            }
            #expect(try await accounts.authenticate(username: "pat", password: "password-123").id == user.id)
            #expect(try await Self.isLive(elsewhere, of: user, accounts))

            _ = try await accounts.updateProfile(of: user, with: change, session: hereID)
            #expect(try await !Self.isLive(elsewhere, of: user, accounts))
            #expect(try await Self.isLive(here, of: user, accounts), "the caller's own session carries on")
        }
    }

    /// A refresh holds the token it used while it inserts the next one, which
    /// takes a key-share lock on the account (PostgreSQL, foreign key). A
    /// demotion that locked the account `FOR UPDATE` and then revoked those
    /// tokens deadlocked with it (a review finding on the first version of
    /// the one-transaction change); so did a new email with a new password.
    @Test(arguments: TestBackend.available)
    func changesAmidRefreshesDoNotDeadlock(backend: TestBackend) async throws {
        try await AccountWriteRaceTests.withAccounts(backend) { accounts in
            let boss = AccountWriteRaceTests.principal(try await AccountWriteRaceTests.admin("boss", accounts))
            let target = try await AccountWriteRaceTests.admin("target", accounts)
            for round in 0..<4 {
                var sessions: [SessionResource] = []
                let user = try #require(try await accounts.users.find(id: target.id))
                for _ in 0..<16 { sessions.append(try await accounts.startSession(for: user)) }
                try await Self.refreshing(sessions, accounts) {
                    _ = try await accounts.administer(
                        userID: target.id, by: boss, with: AccountAdminInput(isAdmin: false))
                }
                _ = try await accounts.administer(userID: target.id, by: boss, with: AccountAdminInput(isAdmin: true))

                let current = try #require(try await accounts.users.find(id: target.id))
                sessions = []
                for _ in 0..<16 { sessions.append(try await accounts.startSession(for: current)) }
                // The store's write itself, so that no password hashing lets
                // the refreshes finish first.
                try await Self.refreshing(sessions, accounts) {
                    _ = try await accounts.users.updateProfile(
                        id: target.id, email: "t\(round)@example.com", firstName: nil, lastName: nil,
                        passwordHash: "hash-of-round-\(round)", keepingSession: nil)
                }
            }
        }
    }
}
