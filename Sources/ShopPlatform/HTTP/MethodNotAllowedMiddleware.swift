import Hummingbird

/// Answers 405 with `Allow` when the path is a known route but not for this
/// method. Hummingbird's router answers 404 to both "no such path" and "not
/// with this method"; this tells them apart from the router's own route list.
/// Added by `Router.completeRoutes(document:)` after the last route.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [(path: RouterPath, method: HTTPRequest.Method)]

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            var names = Set(allowed.map(\.rawValue))
            if names.contains("GET") { names.insert("HEAD") }
            throw HTTPError(
                .methodNotAllowed, headers: [.allow: names.sorted().joined(separator: ", ")],
                message: "\(request.method) is not allowed here")
        }
    }

    /// The methods some route takes at `path` (empty: no route has the path).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.filter { Self.matches($0.path, segments) }.map(\.method)
    }

    static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        for (index, component) in pattern.components.enumerated() {
            if component.description == "**" { return true }
            guard index < segments.count, component ~= segments[index] else { return false }
        }
        return pattern.components.count == segments.count
    }
}
