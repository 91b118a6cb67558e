import AsyncHTTPClient

extension Readiness {
    /// Waits until the service at `baseURL` answers `/health/ready` with 200:
    /// how `shop up` and the system tests know a process they started can take
    /// traffic. `stillStarting` is asked before every try; when it says no (the
    /// process exited) the wait ends at once with `false`. False as well when
    /// `timeout` passes; cancellation throws.
    public static func wait(
        for baseURL: String, timeout: Duration, interval: Duration = .milliseconds(100),
        stillStarting: () -> Bool = { true }
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var request = HTTPClientRequest(url: baseURL + "/health/ready")
        // Nothing stays open once the wait is over: polls leave no pooled
        // connections behind (a test process starting hundreds of services
        // would otherwise hold thousands of idle sockets).
        request.headers.add(name: "Connection", value: "close")
        while ContinuousClock.now < deadline, stillStarting() {
            try Task.checkCancellation()
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                response.status == .ok
            {
                return true
            }
            try await Task.sleep(for: interval)
        }
        return false
    }
}
