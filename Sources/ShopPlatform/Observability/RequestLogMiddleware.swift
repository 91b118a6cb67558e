import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One structured log line per request (method, route template, status, duration,
/// request id) and the `X-Request-ID` echo.
///
/// Hummingbird's `LogRequestsMiddleware` logs on arrival, before the status is
/// known; operators want the completed line, so this logs after the response.
/// An incoming `X-Request-ID` is honoured when it is a sane token, so one id
/// follows a request across services; otherwise Hummingbird's own id is used.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let requestID = request.headers[.requestID].flatMap(Self.sanitised) ?? context.id
        var context = context
        context.logger[metadataKey: "hb.request.id"] = .string(requestID)
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            log(request, context: context, status: response.status.code, start: start)
            return response
        } catch {
            log(request, context: context, status: ProblemError(converting: error).status.code, start: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        RequestLine.log(
            to: context.logger, method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
            path: request.uri.path, status: status, duration: ContinuousClock.now - start)
    }

    /// Accepts 1–128 characters of `[A-Za-z0-9._:-]`; anything else is replaced.
    static func sanitised(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x3A
            })
        else { return nil }
        return value
    }
}

/// The line `RequestLogMiddleware` writes for each completed request; on its
/// own so that `shop-bench log-line` measures exactly this.
public enum RequestLine {
    public static func log(
        to logger: Logger, method: String, route: String, path: String, status: Int, duration: Duration
    ) {
        // Hundredths of a millisecond, formatted by hand: `String(format:)` alone
        // costs more than the rest of the line.
        let (seconds, attoseconds) = duration.components
        let hundredths = seconds * 100_000 + attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        logger.info(
            "request",
            metadata: [
                "method": .string(method),
                "route": .string(route),
                "path": .string(path),
                "status": .stringConvertible(status),
                "duration_ms": .string("\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"),
            ])
    }
}

extension HTTPField.Name {
    public static var requestID: Self { .init("X-Request-ID")! }
}
