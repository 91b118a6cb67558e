import Synchronization
import Testing

@testable import ShopPlatform

/// The gate every SQLite statement passes: one holder at a time across
/// suspension points, and a holder that throws still lets the next in.
@Suite("Async gate")
struct AsyncGateTests {
    final class Occupancy: Sendable {
        let inside = Atomic(0)
        let most = Atomic(0)
        let entries = Atomic(0)
    }

    @Test func oneHolderAtATimeAcrossSuspensions() async throws {
        let gate = AsyncGate()
        let occupancy = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await gate.withGate {
                        let now = occupancy.inside.add(1, ordering: .sequentiallyConsistent).newValue
                        occupancy.most.max(now, ordering: .sequentiallyConsistent)
                        for _ in 0..<3 { await Task.yield() }
                        occupancy.entries.add(1, ordering: .sequentiallyConsistent)
                        occupancy.inside.subtract(1, ordering: .sequentiallyConsistent)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(occupancy.most.load(ordering: .sequentiallyConsistent) == 1)
        #expect(occupancy.entries.load(ordering: .sequentiallyConsistent) == 200)
    }

    @Test func aHolderThatThrowsLetsTheNextIn() async throws {
        struct Failed: Error {}
        let gate = AsyncGate()
        await #expect(throws: Failed.self) { try await gate.withGate { throw Failed() } }
        // Bounded, so a gate left held fails here instead of hanging the run:
        // a waiter on it never returns, so it cannot be a child task.
        final class Answer: Sendable { let value = Mutex<Int?>(nil) }
        let next = Answer()
        Task {
            let value = try await gate.withGate { 42 }
            next.value.withLock { $0 = value }
        }
        for _ in 0..<1000 where next.value.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(next.value.withLock { $0 } == 42, "the gate was still held")
    }
}
