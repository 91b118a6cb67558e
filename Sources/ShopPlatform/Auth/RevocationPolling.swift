import Logging
import ServiceLifecycle

/// Keeps a `RevocationList` current by asking user-service every `interval`
/// for what it revoked since the last answer.
///
/// This is the revocation bound every service but user-service honours: an
/// ended session is refused within `interval` plus one round trip. While
/// user-service cannot be reached the list keeps what it had (tokens stay
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
            baseURL: userServiceURL, timeout: .seconds(2), maxAttempts: 1,
            breaker: CircuitBreaker(threshold: .max, cooldown: .zero))
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var failing = false
                while true {
                    failing = await pollOnce(failing: failing)
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }

    /// One poll; returns whether it failed, logging only changes of that.
    private func pollOnce(failing: Bool) async -> Bool {
        do {
            list.merge(try await client.getJSON("/v1/revocations?since=\(list.nextSince)", as: RevocationFeed.self))
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
