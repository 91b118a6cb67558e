import Foundation
import Histogram
import ShopPlatform
import Synchronization

/// What `shop load` measured, per endpoint: latency histograms (microseconds,
/// three significant digits) and answers by status. Requests are recorded from
/// many tasks; one lock guards it all, held for a histogram increment only.
final class LoadRecorder: Sendable {
    struct Endpoint: Sendable {
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var statuses: [Int: Int] = [:]
        /// Transport failures (refused, reset, timed out): no status at all.
        var failures = 0
        var errors: Int { statuses.filter { $0.key >= 400 }.values.reduce(0, +) + failures }
    }

    private struct State {
        var endpoints: [String: Endpoint] = [:]
        /// Everything since the last progress line, for its current p99.
        var window = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var started: ContinuousClock.Instant?
        var notStarted = 0
    }

    private let state = Mutex(State())

    /// The measured part begins: the progress line counts from here.
    func startRecording(at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.window.reset()
            state.started = instant
        }
    }

    /// An open run's journey that was due but found every shopper busy.
    func notStarted() {
        state.withLock { $0.notStarted += 1 }
    }

    var journeysNotStarted: Int { state.withLock { $0.notStarted } }

    /// Records one request; `latency` runs from its intended send time.
    func record(_ endpoint: String, status: Int?, latency: Duration) {
        let micros = UInt64(max(1, latency.inSeconds * 1_000_000))
        let value = min(micros, 60_000_000)
        state.withLock { state in
            // In place: a copy of the entry would copy its histogram's buckets.
            _ = state.endpoints[endpoint, default: Endpoint()].latency.record(value)
            if let status {
                state.endpoints[endpoint, default: Endpoint()].statuses[status, default: 0] += 1
            } else {
                state.endpoints[endpoint, default: Endpoint()].failures += 1
            }
            _ = state.window.record(value)
        }
    }

    /// For the progress line: time and errors since recording began; requests
    /// and p99 (milliseconds) since the last call.
    func progress() -> (elapsed: Duration, errors: Int, windowRequests: Int, windowP99: Double) {
        state.withLock { state in
            let elapsed = state.started.map { ContinuousClock.now - $0 } ?? .zero
            let errors = state.endpoints.values.reduce(0) { $0 + $1.errors }
            let requests = Int(state.window.totalCount)
            let p99 = requests == 0 ? 0 : Double(state.window.valueAtPercentile(99)) / 1000
            state.window.reset()
            return (elapsed, errors, requests, p99)
        }
    }

    func snapshot() -> [String: Endpoint] {
        state.withLock { $0.endpoints }
    }
}
