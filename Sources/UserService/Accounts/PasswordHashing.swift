import HummingbirdBcrypt
import NIOCore
import NIOPosix
import ShopPlatform
import Synchronization

/// bcrypt on threads of its own, with a bound on how much of it may wait.
///
/// Every login costs one bcrypt, known account or not, and each made-up
/// username has a lockout budget of its own, so anyone can ask for many at once.
/// On `NIOThreadPool.singleton` they would wait in front of every SQLite query
/// (readiness included); here they queue behind each other only. Past
/// `capacity` running or waiting, a check is refused (503, Retry-After) rather
/// than queued without end: the wait of every sign-in stays bounded.
struct PasswordHashing: Sendable {
    /// One thread per core: more would only make the hashes share the cores.
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    let cost: UInt8
    /// Hashes running or waiting at most.
    let capacity: Int
    /// `threads`, but for tests that hold a pool of their own.
    let pool: NIOThreadPool
    private let inFlight = Counter()

    init(cost: UInt8, capacity: Int, pool: NIOThreadPool = PasswordHashing.threads) {
        self.cost = cost
        self.capacity = max(1, capacity)
        self.pool = pool
    }

    /// Runs `body` holding one of the `capacity` places, or refuses with 503
    /// when none is free. A request takes its place before any other work
    /// (its lockout attempt included), so a refused one has changed nothing.
    func withPlace<T: Sendable>(_ body: (Place) async throws -> T) async throws -> T {
        guard inFlight.enter(below: capacity) else {
            throw ProblemError(
                .serviceUnavailable, "Too many sign-ins at once; please try again in a moment", retryAfter: 2)
        }
        defer { inFlight.leave() }
        return try await body(Place(cost: cost, pool: pool))
    }

    /// Password work done in a place `withPlace` holds.
    struct Place: Sendable {
        let cost: UInt8
        let pool: NIOThreadPool

        func hash(_ password: String) async throws -> String {
            try await pool.runIfActive { [cost] in Bcrypt.hash(password, cost: cost) }
        }

        func verify(_ password: String, hash: String) async throws -> Bool {
            try await pool.runIfActive { Bcrypt.verify(password, hash: hash) }
        }
    }

    /// Places held now.
    var placesTaken: Int { inFlight.count }

    private final class Counter: Sendable {
        private let value = Atomic(0)

        var count: Int { value.load(ordering: .relaxed) }

        /// Counts one more unless `limit` are already counted.
        func enter(below limit: Int) -> Bool {
            var current = value.load(ordering: .relaxed)
            while current < limit {
                let (exchanged, original) = value.compareExchange(
                    expected: current, desired: current + 1, ordering: .relaxed)
                if exchanged { return true }
                current = original
            }
            return false
        }

        func leave() { value.subtract(1, ordering: .relaxed) }
    }
}
