import Foundation
import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// The training shop's product contract under `/api`, as a thin adapter over
/// `Catalogue`. Creating products is admin-only now, and bad input is a JSON
/// 4xx (the original answered 500, HTML, or stored a non-numeric price as text).
struct LegacyProductRoutes {
    typealias Context = ShopRequestContext
    let catalogue: Catalogue

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("products", use: list)
        group.get("product/:slug", use: show)
        group.group().add(middleware: AuthorizationPolicyMiddleware.adminOnly).post("product/create", use: create)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let entry = try await catalogue.legacyList()
        return ConditionalResponse.make(
            body: entry.body, etag: entry.etag, contentType: "application/json",
            cacheControl: ProductRoutes.catalogueCacheControl, request: request)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let entry = try await catalogue.legacyProductEntry(slug: try context.parameters.require("slug"))
        return ConditionalResponse.make(
            body: entry.body, etag: entry.etag, contentType: "application/json",
            cacheControl: ProductRoutes.catalogueCacheControl, request: request)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> LegacyProductAdded {
        let input = try await request.decode(as: LegacyProductInput.self, context: context)
        do {
            return LegacyProductAdded(
                message: "Product added", product: LegacyProduct(try await catalogue.createLegacy(input)))
        } catch var problem as ProblemError where problem.status == .unprocessableContent {
            problem.status = .badRequest
            throw problem
        }
    }
}
