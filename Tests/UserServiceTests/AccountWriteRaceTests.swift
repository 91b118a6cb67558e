import Foundation
import JWTKit
import Logging
import NIOPosix
import ShopPlatform
import ShopTestSupport
import Synchronization
import Testing

@testable import UserService

/// Two writes to one account in flight at once: each changes only what it is
/// about, and together they never leave the shop without an active admin.
@Suite("Account writes at once")
struct AccountWriteRaceTests {
    /// user-service's account logic over a fresh database of `backend`.
    static func withAccounts(
        _ backend: TestBackend, passwords: PasswordHashing = PasswordHashing(cost: 4, capacity: 8),
        _ body: @Sendable (Accounts) async throws -> Void
    ) async throws {
        let logger = Logger(label: "account-write-race")
        let database = try await ShopDatabase.open(url: try await backend.makeDatabaseURL(), logger: logger)
        try await database.withRunningService {
            try await MigrationRunner(
                service: UserServiceEntry.name, database: database, migrations: UserMigrations.all, logger: logger
            ).migrate()
            let accounts = Accounts(
                users: SQLUserStore(database: database),
                sessions: RefreshSessionStore(database: database, reuseGrace: .zero),
                throttle: LoginThrottle(database: database, maxAttempts: 5, window: .seconds(60)),
                issuer: TokenIssuer(
                    signer: await JWTKeyCollection().add(ecdsa: ES256PrivateKey()), keyID: "test",
                    settings: TokenSettings(reader: .shop(arguments: ["test"], environment: [:])),
                    accessLifetime: .seconds(60)),
                refreshLifetime: .seconds(3600), passwords: passwords)
            try await body(accounts)
        }
    }

    static func admin(_ name: String, _ accounts: Accounts) async throws -> User {
        try await accounts.register(
            RegistrationInput(username: name, email: "\(name)@example.com", password: "password-123"), asAdmin: true)
    }

    static func principal(_ user: User) -> Principal {
        Principal(userID: user.id, username: user.username, roles: [.customer, .admin], sessionID: nil)
    }

    /// A profile edit read the account before an admin took a right away; its
    /// write must not give the right back.
    @Test(arguments: TestBackend.available)
    func aProfileEditDoesNotUndoADemotionOrDeactivationMadeMeanwhile(backend: TestBackend) async throws {
        try await Self.withAccounts(backend) { accounts in
            let boss = try await Self.admin("boss", accounts)
            for change in [AccountAdminInput(isAdmin: false), AccountAdminInput(isActive: false)] {
                let target = try await Self.admin("target-\(UUID().uuidString.prefix(8))", accounts)
                let asReadByTheEdit = try #require(try await accounts.users.find(id: target.id))
                _ = try await accounts.administer(userID: target.id, by: Self.principal(boss), with: change)
                let edited = try await accounts.updateProfile(
                    of: asReadByTheEdit, with: ProfileUpdateInput(firstName: "Edited"), session: nil)
                let stored = try #require(try await accounts.users.find(id: target.id))
                #expect(stored.firstName == "Edited" && edited.firstName == "Edited")
                #expect(stored.isAdmin == (change.isAdmin ?? true), "\(change)")
                #expect(stored.isActive == (change.isActive ?? true), "\(change)")
            }
        }
    }

    /// Two edits of one profile from the same reading (two tabs), each of
    /// another field: both stay. Before, the second wrote back the email the
    /// first had just changed.
    @Test(arguments: TestBackend.available)
    func twoProfileEditsOfDifferentFieldsBothStay(backend: TestBackend) async throws {
        try await Self.withAccounts(backend) { accounts in
            let user = try await Self.admin("tabs", accounts)
            _ = try await accounts.updateProfile(
                of: user, with: ProfileUpdateInput(email: "new@example.com"), session: nil)
            _ = try await accounts.updateProfile(of: user, with: ProfileUpdateInput(firstName: "Ann"), session: nil)
            let stored = try #require(try await accounts.users.find(id: user.id))
            #expect(stored.email == "new@example.com")
            #expect(stored.firstName == "Ann")
        }
    }

    /// Each of two admins takes the other's admin role at the same moment: one
    /// of them may succeed, never both.
    @Test(arguments: TestBackend.available)
    func twoAdminsDemotingEachOtherAtOnceLeaveOneAdmin(backend: TestBackend) async throws {
        try await Self.withAccounts(backend) { accounts in
            for round in 0..<10 {
                let first = try await Self.admin("first-\(round)", accounts)
                let second = try await Self.admin("second-\(round)", accounts)
                // Every other admin steps down first, so these two are the last.
                for other in try await accounts.users.list(after: nil, limit: 1000)
                where other.isAdmin && other.id != first.id && other.id != second.id {
                    _ = try await accounts.administer(
                        userID: other.id, by: Self.principal(first), with: AccountAdminInput(isAdmin: false))
                }
                async let one = Result {
                    try await accounts.administer(
                        userID: second.id, by: Self.principal(first), with: AccountAdminInput(isAdmin: false))
                }
                async let other = Result {
                    try await accounts.administer(
                        userID: first.id, by: Self.principal(second), with: AccountAdminInput(isAdmin: false))
                }
                let outcomes = await [one, other]
                let admins = try await accounts.users.list(after: nil, limit: 1000).filter { $0.isAdmin && $0.isActive }
                #expect(admins.count == 1, "round \(round): \(admins.map(\.username))")
                for case .failure(let error) in outcomes {
                    #expect((error as? ProblemError)?.status == .conflict, "\(error)")
                }
            }
        }
    }

    /// Password checks sprayed over made-up usernames (each with a lockout
    /// budget of its own) cannot queue bcrypt work without end: past the
    /// bound, a sign-in is refused with 503 and Retry-After before anything
    /// else, so refused guesses lock no account. The hashing threads are this
    /// test's own and held meanwhile: deterministic, and no other test's
    /// sign-ins wait behind them.
    @Test(arguments: TestBackend.available)
    func sprayedPasswordChecksAreBoundedNotQueuedWithoutEnd(backend: TestBackend) async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let passwords = PasswordHashing(cost: 4, capacity: 2, pool: pool)
        try await Self.withAccounts(backend, passwords: passwords) { accounts in
            _ = try await accounts.register(
                RegistrationInput(username: "sprayed", email: "sprayed@example.com", password: "password-123"))
            let release = Atomic(false)
            defer { release.store(true, ordering: .relaxed) }
            let held = Task { try await pool.runIfActive { while !release.load(ordering: .relaxed) { usleep(1000) } } }
            func refusal(_ username: String, _ password: String) async -> ProblemError? {
                do {
                    _ = try await accounts.authenticate(username: username, password: password)
                    return nil
                } catch {
                    return error as? ProblemError
                }
            }
            // Two sprayed checks take the two places and wait for the held thread.
            let waiting = (0..<2).map { index in Task { await refusal("nobody-\(index)", "guess-123456") } }
            let deadline = ContinuousClock.now + .seconds(60)
            while passwords.placesTaken < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try #require(passwords.placesTaken == 2)
            var refused: [ProblemError?] = []
            for index in 2..<12 { refused.append(await refusal("nobody-\(index)", "guess-123456")) }
            #expect(refused.allSatisfy { $0?.status == .serviceUnavailable }, "\(refused.map { $0?.status })")
            #expect(refused.allSatisfy { $0?.headers[ProblemError.retryAfter] != nil })
            for _ in 0..<6 {
                #expect(await refusal("sprayed", "wrong-password")?.status == .serviceUnavailable)
            }
            release.store(true, ordering: .relaxed)
            try await held.value
            for task in waiting { #expect(await task.value?.status == .unauthorized) }
            let user = try await accounts.authenticate(username: "sprayed", password: "password-123")
            #expect(user.username == "sprayed", "signs in afterwards, not locked out")
        }
        try await pool.shutdownGracefully()
    }
}

extension Result where Failure == any Error {
    fileprivate init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
