import Foundation
import Histogram
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
        var recording = false
        var started: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// Starts keeping results: what came before (the warm-up) is dropped.
    func startRecording(at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.endpoints = [:]
            state.window.reset()
            state.recording = true
            state.started = instant
        }
    }

    /// Records one request; `latency` runs from its intended send time.
    func record(_ endpoint: String, status: Int?, latency: Duration) {
        let micros = UInt64(
            max(1, latency.components.seconds * 1_000_000 + latency.components.attoseconds / 1_000_000_000_000))
        state.withLock { state in
            guard state.recording else { return }
            var entry = state.endpoints[endpoint, default: Endpoint()]
            _ = entry.latency.record(min(micros, 60_000_000))
            if let status { entry.statuses[status, default: 0] += 1 } else { entry.failures += 1 }
            state.endpoints[endpoint] = entry
            _ = state.window.record(min(micros, 60_000_000))
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
