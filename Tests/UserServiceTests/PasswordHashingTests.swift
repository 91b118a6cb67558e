import Foundation
import HTTPTypes
import Logging
import NIOCore
import ShopPlatform
import Synchronization
import Testing

@testable import UserService

/// Every login costs one bcrypt, whether or not the account exists, so anyone
/// can queue many at once. They run on threads of their own: with every one of
/// those busy, the database (SQLite runs its queries on NIO's shared thread
/// pool), and with it readiness and every other request, is not kept waiting.
///
/// Serialized: two tests holding the threads at once could each take one and
/// wait for ever for the rest, and with them every login in the test process.
@Suite("Password hashing", .serialized)
struct PasswordHashingTests {
    /// Holds every password thread, without using the CPU, while `body` runs.
    static func holdingPasswordThreads(_ body: () async throws -> Void) async throws {
        final class Hold: Sendable {
            let started = Atomic(0)
            let released = Atomic(false)

            func occupy() {
                started.add(1, ordering: .sequentiallyConsistent)
                while !released.load(ordering: .sequentiallyConsistent) { usleep(1000) }
            }
        }
        let hold = Hold()
        let occupied = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<System.coreCount {
                    group.addTask { try await PasswordHashing.threads.runIfActive { hold.occupy() } }
                }
                try await group.waitForAll()
            }
        }
        defer { hold.released.store(true, ordering: .sequentiallyConsistent) }
        while hold.started.load(ordering: .sequentiallyConsistent) < System.coreCount {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await body()
        hold.released.store(true, ordering: .sequentiallyConsistent)
        try await occupied.value
    }

    @Test func busyPasswordThreadsNeverHoldUpTheDatabase() async throws {
        let database = try await ShopDatabase.open(url: "sqlite::memory:", logger: Logger(label: "test"))
        try await database.withRunningService {
            try await Self.holdingPasswordThreads {
                // The threads stay held until the check is over, so a database
                // queued behind them would never answer: the deadline only has
                // to outlast a loaded run's pauses (1 s did not, once).
                #expect(await database.isReachable(timeout: .seconds(10)))
            }
        }
    }

    /// And logins do use those threads: while they are all held, a login waits.
    @Test func loginsRunOnThePasswordThreads() async throws {
        try await UserServiceHarness.run(.sqlite) { client, _ in
            final class Answer: Sendable { let given = Atomic(false) }
            let answer = Answer()
            var login: Task<HTTPResponse.Status, any Error>?
            try await Self.holdingPasswordThreads {
                login = Task {
                    let status = try await client.call(
                        .post, "/v1/sessions", json: ["username": "nobody", "password": "guess-1234"]
                    ).status
                    answer.given.store(true, ordering: .sequentiallyConsistent)
                    return status
                }
                try await Task.sleep(for: .milliseconds(500))
                let answered = answer.given.load(ordering: .sequentiallyConsistent)
                #expect(!answered, "the login's bcrypt ran elsewhere")
            }
            #expect(try await login?.value == .unauthorized)
        }
    }
}
