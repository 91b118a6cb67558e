import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import ShopPlatform

/// `/v1/products/{slug}/image`: upload (admin, raw bytes) and download.
struct ImageRoutes {
    typealias Context = ShopRequestContext
    let catalogue: Catalogue

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: download)
        group.group().add(middleware: AuthorizationPolicyMiddleware.adminOnly).put(use: upload)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> ProductResource {
        let slug = try context.parameters.require("slug")
        _ = try await catalogue.product(slug: slug, includeInactive: true)
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return ProductResource(try await catalogue.setImage(slug: slug, bytes: Data(buffer: body)))
    }

    /// Images change rarely and carry a content-derived ETag: long-lived caching.
    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let slug = try context.parameters.require("slug")
        guard let image = try await catalogue.products.image(slug: slug) else {
            throw ProblemError.notFound("This product has no image")
        }
        return ConditionalResponse.make(
            body: ByteBuffer(bytes: image.bytes), etag: image.etag, contentType: image.contentType,
            cacheControl: "public, max-age=86400", request: request)
    }
}
