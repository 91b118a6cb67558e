import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import ShopPlatform

/// Opens the session cookie, enforces CSRF on state-changing requests, and
/// writes the cookie back when the session changed.
///
/// CSRF: every form carries the session's `_csrf` token (url-encoded or
/// multipart); a POST without the right one gets a 403 page and changes nothing.
/// The cookie is HttpOnly and SameSite=Lax as a second line of defence.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = FrontendContext
    let cookie: SessionCookie
    let secure: Bool
    let pages: PageRenderer

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let incoming = request.cookies[SessionCookie.name].flatMap { cookie.open($0.value) }
        let original = incoming ?? ShopSession.fresh()
        context.session.value = original

        var request = request
        if request.method != .get, request.method != .head {
            let token = try await Self.csrfToken(in: &request, context: context)
            guard let token, token == original.csrf else {
                var response = pages.render(
                    "error",
                    ErrorPage(title: "Forbidden", message: "This form has expired. Please go back and try again."),
                    context: context)
                response.status = .forbidden
                return response
            }
        }

        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // A session changed on the way (a refresh token rotated) must reach the
            // browser even though the page failed: render the error page here, so
            // the cookie below is written with it. Otherwise the error goes on out
            // (static files and the outer error page handle it).
            guard context.session.value != original else { throw error }
            response = ErrorPageMiddleware.page(for: error, context: context, pages: pages)
        }
        // A new visitor gets the cookie with the first page, whatever it shows:
        // pages opened from it in several tabs then share one CSRF token. Not
        // with a response shared caches may keep for everyone (a product
        // image): they would hand this visitor's session to all the others.
        let final = context.session.value
        let shared = response.headers[.cacheControl]?.contains("public") == true
        if final != original || (incoming == nil && !shared) {
            let https = secure || request.headers[.init("X-Forwarded-Proto")!] == "https"
            response.setCookie(
                Cookie(
                    name: SessionCookie.name, value: try cookie.seal(final), maxAge: 30 * 24 * 3600, path: "/",
                    secure: https, httpOnly: true, sameSite: .lax))
            if shared { response.headers[.cacheControl] = "private, no-store" }
        }
        return response
    }

    /// The `_csrf` field of a url-encoded or multipart form body (the body stays
    /// readable for the handler).
    static func csrfToken(in request: inout Request, context: Context) async throws -> String? {
        let contentType = request.headers[.contentType] ?? ""
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            struct Token: Decodable { let _csrf: String? }
            return (try? URLEncodedFormDecoder().decode(Token.self, from: String(buffer: body)))?._csrf
        }
        if contentType.hasPrefix("multipart/form-data"),
            let boundary = MediaType(from: contentType)?.parameter?.value
        {
            struct Token: Decodable { let _csrf: String? }
            return (try? FormDataDecoder().decode(Token.self, from: body, boundary: boundary))?._csrf
        }
        return nil
    }
}
