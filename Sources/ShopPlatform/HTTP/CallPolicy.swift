import Foundation

/// What every outbound call goes through, whichever client makes it (the JSON
/// calls of `ServiceClient` or a client generated from a provider's OpenAPI
/// document, through `ServiceCallMiddleware`): injected faults, a circuit
/// breaker that turns a dead dependency into an immediate `Unavailable`, bounded
/// retries with backoff and jitter for idempotent calls only, and a count and
/// timing of every attempt per target (`ClientMetrics`).
///
/// 4xx answers go back to the caller, never retried, and count as the dependency
/// answering; connection failures, timeouts and 5xx count against the breaker.
struct CallPolicy: Sendable {
    let baseURL: String
    let breaker: CircuitBreaker
    let metrics: ClientMetrics
    let faults: Faults
    let maxAttempts: Int

    /// Runs `attempt` (one request, its answer read in full) under the policy.
    /// `injected` makes the answer a fault rule asks for instead.
    func run<Answer: Sendable>(
        method: String, path: String, idempotent: Bool,
        status: (Answer) -> Int,
        injected: (_ status: Int) -> Answer,
        attempt: () async throws -> Answer
    ) async throws -> Answer {
        var attempts = 0
        while true {
            attempts += 1
            guard breaker.allowsCall(reporting: metrics.breaker) else {
                metrics.outcomes.increment(.circuitOpen)
                throw ServiceClient.Unavailable(description: "\(baseURL) is unavailable (circuit open)")
            }
            let started = ContinuousClock.now
            do {
                let fault = faults.effect(on: .call, method: method, path: path)
                if case .delay(let delay) = fault { try await Task.sleep(for: delay) }
                if case .error(let code) = fault {
                    if code >= 500 {
                        throw ServiceClient.Unavailable(description: "\(baseURL)\(path) answered \(code) (injected)")
                    }
                    // An answer, as far as the breaker is concerned (a trial call
                    // must not leave it half-open).
                    breaker.recordSuccess(reporting: metrics.breaker)
                    return injected(code)
                }
                let answer = try await attempt()
                if fault == .drop {
                    throw ServiceClient.Unavailable(description: "\(baseURL)\(path): response dropped (injected)")
                }
                let code = status(answer)
                metrics.record(.init(status: UInt(max(0, code))), since: started)
                if code >= 500 { throw ServiceClient.Unavailable(description: "\(baseURL)\(path) answered \(code)") }
                breaker.recordSuccess(reporting: metrics.breaker)
                return answer
            } catch {
                if !(error is ServiceClient.Unavailable) {
                    metrics.record(error is CancellationError ? .cancelled : .error, since: started)
                }
                breaker.recordFailure(reporting: metrics.breaker)
                guard idempotent, attempts < maxAttempts else {
                    throw (error as? ServiceClient.Unavailable)
                        ?? ServiceClient.Unavailable(description: "\(baseURL)\(path): \(error)")
                }
                let backoff = 100 * (1 << (attempts - 1))
                try await Task.sleep(for: .milliseconds(backoff + Int.random(in: 0...backoff / 2)))
            }
        }
    }
}
