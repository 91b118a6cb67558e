import Foundation
import Metrics
import Testing

@testable import ShopPlatform

/// The breaker's states and the `shop_circuit_breaker_state` gauge that shows them.
@Suite("Circuit breaker")
struct CircuitBreakerTests {
    /// A gauge of its own in the process-wide registry, and a way to read it back.
    struct ShownLevel {
        let name = "test_breaker_\(UUID().uuidString.prefix(8).lowercased())"
        var gauge: Gauge {
            ShopMetrics.bootstrap()
            return Gauge(label: name)
        }

        var value: Double? {
            ShopMetrics.render().split(separator: "\n").first { $0.hasPrefix(name + " ") }
                .flatMap { Double($0.split(separator: " ")[1]) }
        }
    }

    @Test func everyStateIsShownAsItChanges() async throws {
        let shown = ShownLevel()
        let gauge = shown.gauge
        let breaker = CircuitBreaker(threshold: 2, cooldown: .milliseconds(50))
        breaker.recordFailure(reporting: gauge)
        #expect(breaker.allowsCall(reporting: gauge) && shown.value == 0)
        breaker.recordFailure(reporting: gauge)
        #expect(breaker.isOpen && shown.value == 2)
        #expect(!breaker.allowsCall(reporting: gauge))

        try await Task.sleep(for: .milliseconds(60))
        #expect(breaker.allowsCall(reporting: gauge), "the trial call")
        #expect(shown.value == 1)
        #expect(!breaker.allowsCall(reporting: gauge), "one trial at a time")
        #expect(shown.value == 1)
        breaker.recordFailure(reporting: gauge)
        #expect(shown.value == 2, "a failed trial opens it again")

        try await Task.sleep(for: .milliseconds(60))
        #expect(breaker.allowsCall(reporting: gauge))
        breaker.recordSuccess(reporting: gauge)
        #expect(shown.value == 0 && breaker.level == 0)
    }

    /// Failures landing at once: whatever order they finish in, the gauge ends
    /// showing the state the breaker is in.
    @Test func concurrentFailuresLeaveTheGaugeTrue() async {
        for _ in 0..<20 {
            let shown = ShownLevel()
            let gauge = shown.gauge
            let breaker = CircuitBreaker(threshold: 3, cooldown: .seconds(60))
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<64 { group.addTask { breaker.recordFailure(reporting: gauge) } }
            }
            #expect(breaker.level == 2)
            #expect(shown.value == 2)
        }
    }
}

extension CircuitBreakerTests {
    /// An injected 4xx is an answer: a trial call that gets one closes the
    /// breaker instead of leaving it half-open, refusing every later call.
    @Test func anInjectedClientErrorEndsTheTrial() async throws {
        let breaker = CircuitBreaker(threshold: 1, cooldown: .milliseconds(20))
        let client = ServiceClient(
            baseURL: "http://127.0.0.1:9", target: "test", maxAttempts: 1, breaker: breaker,
            faults: try Faults(parsing: "call GET /thing error=404"))
        breaker.recordFailure()
        try await Task.sleep(for: .milliseconds(30))
        let reply = try await client.send(.get, "/thing", idempotent: true)
        #expect(reply.status == .notFound)
        #expect(breaker.level == 0)
    }
}
