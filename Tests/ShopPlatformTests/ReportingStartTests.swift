import Hummingbird
import HummingbirdTesting
import ShopTestSupport
import Testing

/// A service under test whose migrations (or any step before its server
/// starts) fail must fail its test. Under HummingbirdTesting's `.live` the
/// server never listened and the test waited for its port for good: the full
/// run hung with no CPU, naming nothing.
@Suite("Live services that cannot start")
struct ReportingStartTests {
    struct MigrationFailed: Error {}

    @Test func aStepBeforeTheServerStartsThatThrowsFailsTheTest() async throws {
        let router = Router()
        router.get("ping") { _, _ in "pong" }
        var app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        app.beforeServerStarts { throw MigrationFailed() }
        await #expect(throws: MigrationFailed.self) {
            try await app.testLive { _ in Issue.record("the test body ran on a service that did not start") }
        }
    }

    /// The test client connects as the server starts, and a failed start
    /// shuts the server down at once. Shut down while that connection was still
    /// being accepted, swift-nio trapped and ended the whole test process (2 of
    /// 6 full runs). Before `testLive` waited for that connection to be
    /// served, this test crashed the process in each of 3 runs.
    @Test func aServiceThatCannotStartShutsDownCleanlyEveryTime() async throws {
        let router = Router()
        var app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        app.beforeServerStarts { throw MigrationFailed() }
        for _ in 0..<1000 {
            await #expect(throws: MigrationFailed.self) {
                try await app.testLive { _ in Issue.record("the test body ran on a service that did not start") }
            }
        }
    }

    /// The same window, on a service that did start: a test that fails before
    /// its first request. Without `answeringFirst` this crashed the process in
    /// each of 3 runs too.
    @Test func aTestThatFailsBeforeItsFirstRequestShutsDownCleanlyEveryTime() async throws {
        struct TestFailed: Error {}
        let app = Application(router: Router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        for _ in 0..<1000 {
            await #expect(throws: TestFailed.self) {
                try await app.testLive { _ in throw TestFailed() }
            }
        }
    }

    @Test func aServiceThatStartsIsServed() async throws {
        let router = Router()
        router.get("ping") { _, _ in "pong" }
        var app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        app.beforeServerStarts {}
        let answer = try await app.testLive { client in try await client.execute(uri: "/ping", method: .get) }
        #expect(String(buffer: answer.body) == "pong")
    }
}
