import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

/// Every access token user-service sees is checked against its session family.
/// A browser session refreshed every 15 minutes for 30 days holds 2,880 tokens;
/// when the check read them one by one to find a revoked one, `/v1/users/me`
/// with such a session cost 1.8 times a fresh session's (BENCHMARKS.md). The
/// check must find a family's revoked token by index, however long the family.
@Suite("The session check does not grow with the session's age")
struct SessionCheckPlanTests {
    @Test(arguments: TestBackend.available)
    func aFamilysRevokedTokenIsFoundByIndex(backend: TestBackend) async throws {
        try await AccountWriteRaceTests.withAccounts(backend) { accounts in
            let user = try await accounts.register(
                RegistrationInput(username: "pat", email: "pat@example.com", password: "password-123"))
            var session = try await accounts.startSession(for: user)
            for _ in 0..<20 { session = try await accounts.refresh(RefreshInput(refreshToken: session.refreshToken)) }
            let family = try RevocationTests.sessionID(of: session.accessToken)
            let query = RefreshSessionStore.liveRow(familyID: family)
            let plan = try await accounts.sessions.database.plan(of: query)
            let shown = plan.joined(separator: "\n")
            switch backend {
            case .sqlite:
                #expect(
                    plan.contains { $0.contains("revoked USING") && $0.contains("refresh_sessions_family_revoked") },
                    "\(shown)")
            case .postgres:
                #expect(
                    plan.contains { $0.contains("Index Cond") && $0.contains("revoked_at IS NOT NULL") }, "\(shown)")
            }
            #expect(try await accounts.sessions.isLive(familyID: family, userID: user.id))
        }
    }

    /// The revocation feed, polled by every other service, reads the
    /// revocations after its cursor, not every token ever issued. SQLite has no
    /// statistics to tell it revocations are few, and read the whole table in
    /// family order to spare itself a sort.
    @Test func theRevocationFeedReadsOnlyRecentRevocationsOnSQLite() async throws {
        try await AccountWriteRaceTests.withAccounts(.sqlite) { accounts in
            let query = accounts.sessions.revokedFamilies(since: Date())
            let plan = try await accounts.sessions.database.plan(of: query)
            #expect(
                plan.contains { $0.hasPrefix("SEARCH") && $0.contains("(revoked_at>?)") },
                "\(plan.joined(separator: "\n"))")
        }
    }
}
