/// A FIFO async mutex: one task at a time holds the gate across suspension points.
///
/// Actors alone do not give this (they are re-entrant at every `await`). SQLite has one
/// writer and one connection here, so a transaction must own the connection from
/// `BEGIN` to `COMMIT` while other tasks queue.
actor AsyncGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withGate<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            held = false
        } else {
            // Ownership passes straight to the next waiter; `held` stays true.
            waiters.removeFirst().resume()
        }
    }
}
