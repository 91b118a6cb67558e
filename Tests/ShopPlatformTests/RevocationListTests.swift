import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ShopPlatform
import ShopTestSupport
import Testing

/// How product- and order-service honour user-service's revocations.
@Suite("Revocation list")
struct RevocationListTests {
    /// Before the first successful poll a token cannot be checked: 503, while
    /// anonymous requests are served. Once loaded the token works, and once its
    /// session is listed it is refused.
    @Test func tokensWaitForTheListAndHonourIt() async throws {
        let server = try KeyServer()
        try await server.application().test(.live) { keys in
            let url = "http://127.0.0.1:\(try #require(keys.port))"
            let list = RevocationList()
            let polling = RevocationPolling(
                list: list, userServiceURL: url, interval: .seconds(1), logger: Logger(label: "test"))
            let router = Router(context: ShopRequestContext.self)
            router.add(middleware: ErrorMiddleware())
            router.add(
                middleware: TokenAuthenticator(
                    verifier: TokenVerifier(
                        source: RemoteKeySource(userServiceURL: url, timeout: .seconds(60)),
                        issuer: "microshop-user-service",
                        audience: "microshop", logger: Logger(label: "test")),
                    refusing: list, wait: .zero))
            router.get("me") { _, context in try context.requireIdentity().username }
            router.get("open") { _, _ in "open" }
            let token = try await server.token(userID: 7, username: "zed")
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            try await Application(router: router).test(.router) { client in
                let early = try await client.execute(uri: "/me", method: .get, headers: bearer)
                #expect(early.status == .serviceUnavailable)
                #expect(early.headers[.retryAfter] == "1")
                #expect(try await client.execute(uri: "/open", method: .get).status == .ok)

                // Each try has a short deadline; on a loaded machine one may miss it.
                var loaded = await polling.load()
                for _ in 0..<10 where !loaded { loaded = await polling.load() }
                #expect(loaded)
                #expect(try await client.execute(uri: "/me", method: .get, headers: bearer).status == .ok)

                server.revokedSessions.withLock { $0 = ["s"] }
                loaded = await polling.load()
                for _ in 0..<10 where !loaded { loaded = await polling.load() }
                #expect(loaded)
                #expect(list.contains("s"))
                #expect(try await client.execute(uri: "/me", method: .get, headers: bearer).status == .unauthorized)
            }
        }
    }

    /// Entries leave once every token of their session has expired, with a
    /// margin for clocks; repeats merge; the next poll starts a minute back.
    @Test func mergePrunesOnlyPastTheRetentionAndMargin() {
        let list = RevocationList()
        #expect(!list.isLoaded)
        #expect(list.nextSince == 0)
        let now: Int64 = 10_000_000_000
        list.merge(
            RevocationFeed(
                asOf: now, retainSeconds: 3600,
                sessions: [
                    .init(id: "fresh", revokedAt: now - 1000), .init(id: "old", revokedAt: now - 3_600_000 - 200_000),
                    .init(id: "gone", revokedAt: now - 3_600_000 - 400_000),
                ]))
        #expect(list.isLoaded)
        #expect(list.contains("fresh") && list.contains("old") && !list.contains("gone"))
        #expect(list.nextSince == now - 60_000)
        list.merge(
            RevocationFeed(asOf: now + 1000, retainSeconds: 3600, sessions: [.init(id: "fresh", revokedAt: now)]))
        #expect(list.contains("fresh") && list.contains("old"))
    }
}
