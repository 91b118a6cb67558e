import Synchronization

/// Fails fast while a dependency is down instead of letting every request wait
/// out its timeouts.
///
/// After `threshold` consecutive failures the circuit opens for `cooldown`;
/// then one trial call is let through (half-open): success closes it, failure
/// opens it again.
public final class CircuitBreaker: Sendable {
    enum State: Equatable {
        case closed(failures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen
    }

    private let state = Mutex(State.closed(failures: 0))
    let threshold: Int
    let cooldown: Duration

    public init(threshold: Int = 5, cooldown: Duration = .seconds(10)) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
    }

    /// Whether a call may go out now.
    public func allowsCall() -> Bool {
        state.withLock { state in
            switch state {
            case .closed:
                return true
            case .open(let until):
                guard ContinuousClock.now >= until else { return false }
                state = .halfOpen
                return true
            case .halfOpen:
                return false
            }
        }
    }

    /// Closes the circuit; returns its level for the gauge (0, closed).
    @discardableResult
    public func recordSuccess() -> Int {
        state.withLock { $0 = .closed(failures: 0) }
        return 0
    }

    /// Counts a failure; returns the level for the gauge: 0 still closed, 2 open.
    @discardableResult
    public func recordFailure() -> Int {
        state.withLock { state in
            switch state {
            case .closed(let failures) where failures + 1 < threshold:
                state = .closed(failures: failures + 1)
                return 0
            default:
                state = .open(until: .now + cooldown)
                return 2
            }
        }
    }

    public var isOpen: Bool {
        state.withLock {
            if case .open(let until) = $0 { return ContinuousClock.now < until }
            return false
        }
    }
}
