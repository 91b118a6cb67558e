import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

extension ApplicationProtocol {
    /// Runs the application live on a free port for the duration of `body`, as
    /// `test(.live)` does, except that:
    /// - a step before the server starts (migrations, seeding) that throws fails
    ///   the test with its error. Under `.live` such a failure stops the server
    ///   before it listens, and the test waits for its port for good: the test
    ///   process then hangs with no CPU until the run's deadline, naming
    ///   nothing. Here the failure is kept, the server starts anyway, and
    ///   `body` is not run;
    /// - the server never shuts down with the test client's first connection
    ///   half accepted (see `answeringFirst`).
    public func testLive<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value)
        async throws -> Value
    {
        let app = StartReporting(base: self)
        return try await app.test(.live) { client in
            try await client.answeringFirst {
                if let failure = app.failure.value.withLock({ $0 }) { throw failure }
                return try await body(client)
            }
        }
    }
}

extension TestClientProtocol {
    /// Runs `body` once this client's connection has been answered.
    ///
    /// The live test client connects as the server starts. A server shut down
    /// while that connection is still being accepted traps in swift-nio
    /// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#2637)
    /// and ends the whole test process; that happens whenever a test ends, or
    /// fails, before its first request. An answer, whatever it says, proves the
    /// connection is served, so the graceful shutdown closes it cleanly. The
    /// path has no route in any of the shop's services (a 404 that touches
    /// nothing); a server already gone fails it, which is ignored.
    public func answeringFirst<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        _ = try? await execute(uri: "/test-client/connected", method: .get)
        return try await body()
    }
}

/// `Base` with its before-start steps run as one that never throws, keeping the
/// first failure instead.
private struct StartReporting<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    let base: Base
    let failure = Box()

    final class Box: Sendable {
        let value = Mutex<(any Error)?>(nil)
    }

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }

    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] {
        let steps = base.processesRunBeforeServerStart
        let failure = self.failure
        return [
            {
                do {
                    for step in steps { try await step() }
                } catch {
                    failure.value.withLock { kept in
                        if kept == nil { kept = error }
                    }
                }
            }
        ]
    }
}
