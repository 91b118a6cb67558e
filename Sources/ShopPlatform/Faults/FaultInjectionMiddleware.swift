import Hummingbird
import ServiceLifecycle

/// Applies `Faults`' `route` rules to the requests a service answers.
public struct FaultInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let faults: Faults
    /// How long a dropped response is held: longer than any caller in the shop waits.
    static var dropHold: Duration { .seconds(60) }

    public init(faults: Faults) {
        self.faults = faults
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let effect = faults.effect(on: .route, method: request.method.rawValue, path: request.uri.path) else {
            return try await next(request, context)
        }
        context.logger.notice("injecting a fault", metadata: ["fault": "\(effect)"])
        switch effect {
        case .delay(let delay):
            try await Task.sleep(for: delay)
            return try await next(request, context)
        case .error(let status):
            throw HTTPError(.init(standardCode: status), message: "Injected fault")
        case .drop:
            _ = try await next(request, context)
            // Held until the caller has given up, or the service shuts down.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.dropHold) }
            throw HTTPError(.serviceUnavailable, message: "Injected fault: response dropped")
        }
    }
}
