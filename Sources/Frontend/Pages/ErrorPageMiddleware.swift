import Hummingbird
import Logging
import Mustache
import ShopPlatform

/// Friendly HTML error pages; never a stack trace.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = FrontendContext
    let pages: PageRenderer

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.page(for: error, context: context, pages: pages)
        }
    }

    /// The page for a failure. `SessionMiddleware` renders it too, so that a page
    /// that fails still carries the session cookie (a refresh token rotated before
    /// the failure must reach the browser).
    static func page(for error: any Error, context: Context, pages: PageRenderer) -> Response {
        let problem = ProblemError(converting: error)
        let status = problem.status
        if status.code >= 500 {
            context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        let page: ErrorPage
        switch status.code {
        case 404: page = ErrorPage(title: "Page not found", message: "We could not find that page.")
        case 403: page = ErrorPage(title: "Forbidden", message: "You are not allowed to see this page.")
        case 413: page = ErrorPage(title: "Too large", message: "That upload is too large.")
        case 400..<500:
            page = ErrorPage(title: "Something is not right", message: "Please check what you sent and try again.")
        default: page = ErrorPage(title: "Sorry, something went wrong", message: "Please try again in a moment.")
        }
        var response = pages.render("error", page, context: context, status: status, title: page.title)
        // Headers the failure named (405's Allow, 429's Retry-After) go along.
        response.headers.append(contentsOf: problem.httpFields)
        return response
    }
}

/// What an error page shows.
struct ErrorPage: Sendable {
    let title: String
    let message: String
}

extension ErrorPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "message": message
        default: nil
        }
    }
}
