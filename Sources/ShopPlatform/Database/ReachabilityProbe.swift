import Synchronization

/// Answers "is the database reachable?" within a timeout, whatever the driver does.
///
/// A check that waits for a pooled connection may not return while the server is
/// down, and may not even honour cancellation: a readiness request awaiting it
/// would never finish, and a draining service would wait for that request
/// forever. So one check runs at a time and every caller waits for it at most
/// `timeout`, then answers "not reachable" and leaves. A check that outlives
/// `abandonAfter` is cancelled and given up, and the next caller starts a fresh one.
final class ReachabilityProbe: Sendable {
    private struct State {
        var check: Task<Void, Never>?
        var startedAt: ContinuousClock.Instant = .now
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter = 0
        var generation = 0
    }

    private let state = Mutex(State())
    private let abandonAfter: Duration

    init(abandonAfter: Duration = .seconds(30)) {
        self.abandonAfter = abandonAfter
    }

    func isReachable(timeout: Duration, check: @escaping @Sendable () async -> Bool) async -> Bool {
        let waiter = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Timer()
        defer { timer.task.withLock { $0?.cancel() } }
        return await withCheckedContinuation { continuation in
            state.withLock { state in
                state.waiters[waiter] = continuation
                let now = ContinuousClock.now
                if state.check == nil || now - state.startedAt > abandonAfter {
                    state.check?.cancel()
                    state.generation += 1
                    let generation = state.generation
                    state.startedAt = now
                    state.check = Task { [self] in
                        let reachable = await check()
                        finishAll(generation: generation, with: reachable)
                    }
                }
            }
            // Started once the waiter is registered: a waiter it does not find
            // has been answered already.
            timer.task.withLock {
                $0 = Task { [self] in
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    state.withLock { $0.waiters.removeValue(forKey: waiter) }?.resume(returning: false)
                }
            }
        }
    }

    private final class Timer: Sendable {
        let task = Mutex<Task<Void, Never>?>(nil)
    }

    private func finishAll(generation: Int, with value: Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard state.generation == generation else { return [] }
            state.check = nil
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }
}
