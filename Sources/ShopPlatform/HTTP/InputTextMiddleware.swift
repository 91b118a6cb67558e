import Hummingbird

/// Refuses a request whose path or query carries a control character (see
/// `InputText`) with a 400, before any route sees it. Bodies are checked where
/// they are decoded (`ShopRequestDecoder`), since raw uploads may hold any byte.
public struct InputTextMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try InputText.checkTarget(request.uri.description)
        return try await next(request, context)
    }
}
