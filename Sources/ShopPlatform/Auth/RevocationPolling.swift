import Logging
import ServiceLifecycle

/// Keeps a `RevocationList` current by asking user-service every `interval`
/// for what it revoked since the last answer.
///
/// This is the revocation bound every service but user-service honours: an
/// ended session is refused within `interval` plus one round trip. The first
/// poll runs before the server accepts connections (`load()`); until one has
/// succeeded, a request carrying a token waits for it (up to 10 s, see
/// `TokenAuthenticator`) and then gets 503 (anonymous ones are served), so a
/// fresh replica never honours a session it cannot check. Once loaded, an
/// unreachable user-service leaves the last known list in force (tokens stay
/// verifiable offline, and revocations are made at user-service, so none are
/// being missed unless only this service lost it); the transition is logged.
public struct RevocationPolling: Service {
    let list: RevocationList
    let client: ServiceClient
    let interval: Duration
    let logger: Logger

    public init(list: RevocationList, userServiceURL: String, interval: Duration, logger: Logger) {
        self.list = list
        self.client = ServiceClient(
            baseURL: userServiceURL, target: "user-service-revocations", timeout: .seconds(5), maxAttempts: 1,
            breaker: CircuitBreaker(threshold: .max, cooldown: .zero))
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                // Starts with `load()`, not after it: polling at once also
                // covers a `load()` whose tries all failed.
                var failing = !list.isLoaded
                while true {
                    failing = await pollOnce(failing: failing)
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }

    /// The first poll, before the server starts: three tries of at most 3 s,
    /// half a second apart (user-service may be starting too); whether one
    /// succeeded. Polling goes on afterwards either way.
    @discardableResult
    public func load() async -> Bool {
        for attempt in 1...3 {
            if !(await pollOnce(failing: attempt > 1, timeout: .seconds(3))) { return true }
            if attempt < 3 { try? await Task.sleep(for: .milliseconds(500)) }
        }
        return false
    }

    /// One poll; returns whether it failed, logging only changes of that.
    /// The first poll has a short deadline, so a service whose user-service is
    /// down still starts within seconds (AsyncHTTPClient keeps retrying a
    /// refused connection until the deadline).
    private func pollOnce(failing: Bool, timeout: Duration? = nil) async -> Bool {
        do {
            list.merge(
                try await client.getJSON(
                    "/v1/revocations?since=\(list.nextSince)", as: RevocationFeed.self, timeout: timeout))
            if failing { logger.notice("revocations readable again") }
            return false
        } catch {
            if !failing {
                logger.warning(
                    "cannot read revocations; honouring the last known list", metadata: ["error": "\(error)"])
            }
            return true
        }
    }
}
