import Foundation
import Hummingbird
import Mustache
import NIOCore

/// Renders a page template inside the shared layout.
///
/// Templates see `site` (header: user, cart count, CSRF token, flash messages,
/// banners) and `page` (the page's own model). Mustache escapes every `{{value}}`,
/// so backend data never becomes markup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> PageRenderer {
        guard let directory = Bundle.module.resourcePath.map({ $0 + "/templates" }) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return PageRenderer(library: try await MustacheLibrary(directory: directory))
    }

    func render(
        _ template: String, _ page: Any, context: FrontendContext, status: HTTPResponse.Status = .ok,
        banners: [String] = [], title: String? = nil
    ) -> Response {
        var flashes: [ShopSession.Flash] = []
        context.session.update { session in
            flashes = session.flashes
            session.flashes = []
        }
        let session = context.session.value
        let site = SiteModel(
            csrf: session.csrf, username: session.username, isAdmin: session.isAdmin,
            loggedIn: session.isLoggedIn, cartBadge: session.cartCount.flatMap { $0 > 0 ? String($0) : nil },
            flashes: flashes.map { FlashModel(kind: $0.kind.rawValue, text: $0.text) },
            banners: banners, title: title.map { "\($0) · Microshop" } ?? "Microshop")
        let html =
            library.render(["site": site, "page": page], withTemplate: template) ?? "Template \(template) is missing"
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
    /// A part of a page rendered on its own (no layout, no `site`), to be
    /// placed in a page unescaped: `template` must escape what it shows.
    func fragment(_ template: String, _ model: Any) -> String {
        library.render(model, withTemplate: template) ?? "Template \(template) is missing"
    }
}

/// The home page: its catalogue part rendered by `PageRenderer.fragment`, shown
/// as it is (`{{{page.html}}}`), and the search the box shows again.
struct HomePage {
    let html: String
    let query: String?
}

extension HomePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "html": html
        case "query": query
        default: nil
        }
    }
}

struct SiteModel {
    let csrf: String
    let username: String?
    let isAdmin: Bool
    let loggedIn: Bool
    /// Units in the cart, when there are any.
    let cartBadge: String?
    let flashes: [FlashModel]
    let banners: [String]
    let title: String
}

struct FlashModel {
    let kind: String
    let text: String
}

extension SiteModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "csrf": csrf
        case "username": username
        case "isAdmin": isAdmin
        case "loggedIn": loggedIn
        case "cartBadge": cartBadge
        case "flashes": flashes
        case "banners": banners
        case "title": title
        default: nil
        }
    }
}

extension FlashModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "kind": kind
        case "text": text
        default: nil
        }
    }
}
