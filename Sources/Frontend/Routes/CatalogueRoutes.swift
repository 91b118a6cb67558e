import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShopPlatform

/// The storefront: catalogue with search and pages, product pages, and product
/// images proxied so the browser only ever talks to the frontend.
struct CatalogueRoutes {
    typealias Context = FrontendContext
    let backends: Backends
    let pages: PageRenderer
    /// The home page's catalogue part and the product pages' products, rendered once
    /// per catalogue answer; every request still revalidates with product-service.
    let catalogueParts = ETagCache<String>(capacity: 2 << 20, weight: { $0.utf8.count })
    let productPages = ETagCache<ProductPage>(capacity: 1024)
    static let pageSize = 12
    static let catalogueDown = "The catalogue is unavailable right now. Please try again in a moment."

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: home)
        router.get("/product/:slug", use: product)
        router.get("/images/:slug", use: image)
    }

    /// Browsing pages are kept per catalogue answer; search results, as many as
    /// shoppers can type, are rendered each time.
    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let query = String(request.uri.queryParameters["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let cursor = request.uri.queryParameters["cursor"].flatMap { Int64($0) }.map(String.init)
        let page = { (html: String) in HomePage(html: html, query: query.isEmpty ? nil : query) }
        do {
            guard query.isEmpty else {
                let found = try await backends.products.page(
                    query: query, cursor: cursor, limit: Self.pageSize, requestID: context.id)
                return pages.render(
                    "home", page(catalogue(found: found, query: query, cursor: cursor)), context: context,
                    title: "Search: \(query)")
            }
            let html = try await catalogueParts.value(for: cursor ?? "") { ifNoneMatch in
                try await backends.products.page(
                    query: nil, cursor: cursor, limit: Self.pageSize, ifNoneMatch: ifNoneMatch, requestID: context.id
                ).map { (catalogue(found: $0.0, query: query, cursor: cursor), $0.etag) }
            }
            return pages.render("home", page(html), context: context)
        } catch {
            let model = CatalogueModel(
                products: [], query: query.isEmpty ? nil : query, nextURL: nil, firstPageURL: nil, empty: false)
            return pages.render(
                "home", page(pages.fragment("catalogue", model)), context: context, banners: [Self.catalogueDown])
        }
    }

    /// The catalogue part of the home page for one page of products.
    private func catalogue(found: ProductPageDoc, query: String, cursor: String?) -> String {
        let base = query.isEmpty ? "/?" : "/?q=\(query.urlComponent)&"
        let model = CatalogueModel(
            products: found.items.map(ProductCard.init), query: query.isEmpty ? nil : query,
            nextURL: found.nextCursor.map { base + "cursor=\($0)" }, firstPageURL: cursor == nil ? nil : base,
            empty: found.items.isEmpty)
        return pages.fragment("catalogue", model)
    }

    @Sendable func product(_ request: Request, context: Context) async throws -> Response {
        let slug = try context.parameters.require("slug")
        do {
            let page = try await productPages.value(for: slug) { ifNoneMatch in
                try await backends.products.product(slug: slug, ifNoneMatch: ifNoneMatch, requestID: context.id).map {
                    (ProductPage(html: pages.fragment("product_detail", ProductModel($0.0)), product: $0.0), $0.etag)
                }
            }
            return pages.render("product", page, context: context, title: page.name)
        } catch is Backend.Refusal {
            throw HTTPError(.notFound)
        } catch {
            return pages.render(
                "error", ErrorPage(title: "Catalogue unavailable", message: Self.catalogueDown), context: context,
                status: .serviceUnavailable, banners: [Self.catalogueDown])
        }
    }

    /// Passes ETags both ways so browsers revalidate cheaply.
    @Sendable func image(_ request: Request, context: Context) async throws -> Response {
        let slug = try context.parameters.require("slug")
        var headers: HTTPFields = [:]
        if let etag = request.headers[.ifNoneMatch] { headers[.ifNoneMatch] = etag }
        // The version decides how long product-service lets it be cached.
        let version = request.uri.queryParameters["v"].map { "?v=\(String($0).urlComponent)" } ?? ""
        let reply: ServiceClient.Reply
        do {
            reply = try await backends.products.client.send(
                .get, "/v1/products/\(slug.urlComponent)/image\(version)", headers: headers, idempotent: true,
                requestID: context.id)
        } catch {
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "5"])
        }
        var fields: HTTPFields = [:]
        for name in [HTTPField.Name.contentType, .eTag, .cacheControl] { fields[name] = reply.headers[name] }
        guard reply.status == .ok || reply.status == .notModified else { return Response(status: .notFound) }
        return Response(status: reply.status, headers: fields, body: .init(byteBuffer: reply.body))
    }
}
