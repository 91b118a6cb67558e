import Hummingbird
import Logging
import ServiceLifecycle

extension ApplicationProtocol {
    /// Runs the application until SIGTERM/SIGINT, then drains: readiness turns 503,
    /// the server stops accepting, in-flight requests finish, pools close, and the
    /// call returns normally (exit code 0).
    /// `telemetry` runs first and stops last, so it flushes what the drain produced.
    public func runUntilTerminated(readiness: Readiness, telemetry: [any Service] = [], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: telemetry + [self, readiness],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
