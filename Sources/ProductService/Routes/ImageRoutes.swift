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

    /// The address products give (`image_url`, with `?v=` naming the bytes) is
    /// cached for good: a new picture gets a new one. Any other address of the
    /// image, which may show another picture tomorrow, is revalidated on each
    /// use (cheaply: a content-derived ETag).
    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let isAdmin = context.identity?.isAdmin ?? false
        guard let image = try await catalogue.products.image(slug: slug, includeInactive: isAdmin) else {
            throw ProblemError.notFound("This product has no image")
        }
        let versioned = request.uri.queryParameters["v"].map { String($0) == image.version } ?? false
        // What an admin is shown (a withdrawn product's picture too) is theirs
        // alone: shared caches must not keep it for everyone.
        let cacheControl =
            isAdmin
            ? ProductRoutes.privilegedCacheControl
            : versioned ? "public, max-age=31536000, immutable" : "public, no-cache"
        return ConditionalResponse.make(
            body: ByteBuffer(bytes: image.bytes), etag: image.etag, contentType: image.contentType,
            cacheControl: cacheControl, request: request)
    }
}
