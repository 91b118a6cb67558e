import Hummingbird

/// Rejects bodies over `limit` bytes with 413 before reading them when the size is
/// declared, and caps what decoding may collect when it is not (chunked uploads).
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = ShopRequestContext
    let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ProblemError(.contentTooLarge, "Request body is larger than \(limit) bytes")
        }
        var context = context
        context.maxUploadSize = limit
        return try await next(request, context)
    }
}
