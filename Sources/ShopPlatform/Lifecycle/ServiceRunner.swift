import Hummingbird
import Logging
import ServiceLifecycle

extension ApplicationProtocol {
    /// Runs the application until SIGTERM/SIGINT, then drains: readiness turns 503,
    /// the server stops accepting, in-flight requests finish, pools close, and the
    /// call returns normally (exit code 0).
    public func runUntilTerminated(readiness: Readiness, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [self, readiness],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
