import ServiceLifecycle
import Synchronization

/// Whether this process should receive new traffic.
///
/// Run as the last service of the outer group: on SIGTERM it is shut down first,
/// flips `/health/ready` to 503, waits `drainDelay` so load balancers notice, and
/// only then lets the HTTP server stop accepting and finish in-flight requests.
public final class Readiness: Service, Sendable {
    private let accepting = Mutex(true)
    let drainDelay: Duration

    public init(drainDelay: Duration = .zero) {
        self.drainDelay = drainDelay
    }

    public var isAccepting: Bool { accepting.withLock { $0 } }

    public func run() async throws {
        try? await gracefulShutdown()
        accepting.withLock { $0 = false }
        if drainDelay > .zero {
            try? await Task.sleep(for: drainDelay)
        }
    }
}
