import Foundation
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
@Suite("Password hashing")
struct PasswordHashingTests {
    /// Jobs that hold their thread, without using the CPU, until released.
    final class Hold: Sendable {
        let started = Atomic(0)
        let released = Atomic(false)

        func occupy() {
            started.add(1, ordering: .sequentiallyConsistent)
            while !released.load(ordering: .sequentiallyConsistent) { usleep(1000) }
        }
    }

    @Test func busyPasswordThreadsNeverHoldUpTheDatabase() async throws {
        let database = try await ShopDatabase.open(url: "sqlite::memory:", logger: Logger(label: "test"))
        try await database.withRunningService {
            let hold = Hold()
            // Every password thread is held until the check below is done.
            let occupied = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<System.coreCount {
                        group.addTask {
                            try await PasswordHashing.threads.runIfActive { hold.occupy() }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            defer { hold.released.store(true, ordering: .sequentiallyConsistent) }
            while hold.started.load(ordering: .sequentiallyConsistent) < System.coreCount {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(await database.isReachable(timeout: .seconds(1)))
            hold.released.store(true, ordering: .sequentiallyConsistent)
            try await occupied.value
        }
    }
}
