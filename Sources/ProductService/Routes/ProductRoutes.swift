import Foundation
import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// `/v1/products`: the public catalogue and its admin management.
struct ProductRoutes {
    typealias Context = ShopRequestContext
    let catalogue: Catalogue
    /// Recognises order-service, which may look up withdrawn products by id.
    let serviceCredential: ServiceCredentialMiddleware
    /// How long browsers and proxies may reuse a catalogue response.
    static let catalogueCacheControl = "public, max-age=5"
    /// For what only admins and services see (withdrawn products): a shared
    /// cache must never keep it for everyone.
    static let privilegedCacheControl = "private, no-cache"

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
        group.get(":slug", use: show)
        let admin = group.group().add(middleware: AuthorizationPolicyMiddleware.adminOnly)
        admin.post(use: create)
        admin.patch(":slug", use: update)
        admin.delete(":slug", use: deactivate)
    }

    /// `?q=&limit=&cursor=` pages through active products (admins may add
    /// `include_inactive=true`); `?ids=1,2,3` looks up specific products: active
    /// ones for everyone, withdrawn ones too for admins and services (a cart
    /// names what was withdrawn from it).
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let entry: CatalogueCache.Entry
        let privileged: Bool
        if let rawIDs = request.uri.queryParameters["ids"] {
            privileged = context.identity?.isAdmin == true || serviceCredential.recognises(request)
            entry = try await catalogue.batch(ids: try Self.parseIDs(String(rawIDs)), includeInactive: privileged)
        } else {
            let search = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces)
            guard (search?.count ?? 0) <= 200 else {
                throw ProblemError.validation([.init(field: "q", message: "must be at most 200 characters")])
            }
            let includeInactive = request.uri.queryParameters["include_inactive"] == "true"
            guard !includeInactive || context.identity?.isAdmin == true else {
                throw ProblemError.forbidden("Only admins may list inactive products")
            }
            entry = try await catalogue.page(
                search: search, after: try Pagination.cursor(from: request), limit: try Pagination.limit(from: request),
                includeInactive: includeInactive)
            privileged = includeInactive
        }
        return ConditionalResponse.make(
            body: entry.body, etag: entry.etag, contentType: "application/json",
            cacheControl: privileged ? Self.privilegedCacheControl : Self.catalogueCacheControl, request: request)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let privileged = context.identity?.isAdmin == true
        let entry = try await catalogue.productEntry(slug: slug, includeInactive: privileged)
        return ConditionalResponse.make(
            body: entry.body, etag: entry.etag, contentType: "application/json",
            cacheControl: privileged ? Self.privilegedCacheControl : Self.catalogueCacheControl, request: request)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<ProductResource> {
        let product = try await catalogue.create(try await request.decode(as: ProductInput.self, context: context))
        return .init(
            status: .created, headers: [.location: "/v1/products/\(product.slug)"], response: ProductResource(product))
    }

    /// `If-Match` makes the write conditional on the ETag the client read; the
    /// answer carries the new ETag for the next conditional write.
    @Sendable func update(_ request: Request, context: Context) async throws -> EditedResponse<ProductResource> {
        let patch = try await request.decode(as: ProductPatch.self, context: context)
        let product = try await catalogue.update(
            slug: try context.parameters.require("slug"), with: patch, ifMatch: request.headers[.ifMatch])
        return .init(headers: [.eTag: try Catalogue.etag(of: product)], response: ProductResource(product))
    }

    @Sendable func deactivate(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        try await catalogue.deactivate(slug: try context.parameters.require("slug"))
        return .noContent
    }

    /// Up to 100 positive ids, comma-separated, duplicates dropped.
    static func parseIDs(_ raw: String) throws -> [Int64] {
        // Exactly what the document's pattern says: digits, no sign, no leading zero.
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false)
        let ids = parts.filter { $0.first != "0" && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
            .compactMap { Int64($0) }
        guard !parts.isEmpty, ids.count == parts.count, ids.count <= 100 else {
            throw ProblemError.validation([.init(field: "ids", message: "must be 1 to 100 comma-separated product ids")]
            )
        }
        return Array(Set(ids)).sorted()
    }
}
