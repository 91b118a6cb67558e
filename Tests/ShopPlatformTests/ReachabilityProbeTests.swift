import Synchronization
import Testing

@testable import ShopPlatform

@Suite("Reachability probe")
struct ReachabilityProbeTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// A check that never returns (a driver waiting for a server that is gone,
    /// deaf to cancellation) costs its callers the timeout, not their request.
    @Test func aCheckThatNeverReturnsStillAnswersInTime() async {
        let probe = ReachabilityProbe(abandonAfter: .seconds(60))
        let started = ContinuousClock.now
        let reachable = await probe.isReachable(timeout: .milliseconds(100)) {
            await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }  // never resumed
            return true
        }
        #expect(!reachable)
        // Answered at all (the check never does), well before the probe gives up on it (60 s).
        #expect(ContinuousClock.now - started < .seconds(50))
    }

    @Test func concurrentCallersShareOneCheck() async {
        let probe = ReachabilityProbe()
        let checks = Counter()
        let answers = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await probe.isReachable(timeout: .seconds(5)) {
                        checks.value.add(1, ordering: .relaxed)
                        try? await Task.sleep(for: .milliseconds(100))
                        return true
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: true, count: 10))
        #expect(checks.value.load(ordering: .relaxed) == 1)
        // Once it has answered, the next caller checks afresh.
        #expect(await probe.isReachable(timeout: .seconds(1)) { false } == false)
    }

    @Test func aHungCheckIsAbandonedForAFreshOne() async throws {
        let probe = ReachabilityProbe(abandonAfter: .milliseconds(200))
        #expect(
            await probe.isReachable(timeout: .milliseconds(50)) {
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                return true
            } == false)
        try await Task.sleep(for: .milliseconds(250))
        #expect(await probe.isReachable(timeout: .seconds(1)) { true })
    }
}
