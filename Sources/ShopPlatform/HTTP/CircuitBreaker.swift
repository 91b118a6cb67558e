import Metrics
import Synchronization

/// Fails fast while a dependency is down instead of letting every request wait
/// out its timeouts.
///
/// After `threshold` consecutive failures the circuit opens for `cooldown`;
/// then one trial call is let through (half-open): success closes it, failure
/// opens it again.
///
/// Each method takes the gauge that shows the state (0 closed, 1 half-open,
/// 2 open) and writes it under the breaker's lock whenever the state changes,
/// so calls finishing at once cannot leave it showing a state already left.
public final class CircuitBreaker: Sendable {
    enum State: Equatable {
        case closed(failures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen

        var level: Int {
            switch self {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
        }
    }

    private let state = Mutex(State.closed(failures: 0))
    let threshold: Int
    let cooldown: Duration

    public init(threshold: Int = 5, cooldown: Duration = .seconds(10)) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
    }

    /// Whether a call may go out now.
    public func allowsCall(reporting gauge: Gauge? = nil) -> Bool {
        change(reporting: gauge) { state in
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

    /// Closes the circuit.
    public func recordSuccess(reporting gauge: Gauge? = nil) {
        change(reporting: gauge) { $0 = .closed(failures: 0) }
    }

    /// Counts a failure; the one that reaches `threshold`, or a failed trial, opens the circuit.
    public func recordFailure(reporting gauge: Gauge? = nil) {
        change(reporting: gauge) { state in
            if case .closed(let failures) = state, failures + 1 < threshold {
                state = .closed(failures: failures + 1)
            } else {
                state = .open(until: .now + cooldown)
            }
        }
    }

    public var isOpen: Bool {
        state.withLock {
            if case .open(let until) = $0 { return ContinuousClock.now < until }
            return false
        }
    }

    /// 0 closed, 1 half-open, 2 open.
    var level: Int { state.withLock { $0.level } }

    private func change<T>(reporting gauge: Gauge?, _ body: (inout State) -> T) -> T {
        state.withLock { state in
            let before = state.level
            let result = body(&state)
            if let gauge, state.level != before { gauge.record(state.level) }
            return result
        }
    }
}
