import Foundation
import OpenAPIRuntime
import ProductServiceAPI
import ShopPlatform

/// A product as product-service's document describes it.
typealias ProductDoc = ProductServiceAPI.Components.Schemas.Product
typealias ProductPageDoc = ProductServiceAPI.Components.Schemas.ProductPage

/// The storefront's view of product-service: the client generated from its
/// OpenAPI document, under the `ServiceClient`'s rules. A 4xx comes out as
/// `Backend.Refusal`; `token` is the customer's or admin's, when the call is theirs.
struct ProductCatalogue: Sendable {
    let api: ProductServiceAPI.Client
    /// Image bytes are passed through as they are, not read as a contract.
    let client: ServiceClient

    init(client: ServiceClient) throws {
        self.client = client
        self.api = ProductServiceAPI.Client(
            serverURL: try client.serverURL, configuration: client.clientConfiguration, transport: client.transport,
            middlewares: client.storefrontMiddlewares)
    }

    /// Active products (all, for an admin asking for inactive ones too), a page at a time.
    func page(
        query: String? = nil, cursor: String? = nil, limit: Int, includeInactive: Bool? = nil, token: String? = nil,
        requestID: String?
    ) async throws -> ProductServiceAPI.Components.Schemas.ProductPage {
        guard
            let (page, _) = try await page(
                query: query, cursor: cursor, limit: limit, includeInactive: includeInactive, token: token,
                ifNoneMatch: nil, requestID: requestID)
        else { throw UnaskedNotModified() }
        return page
    }

    /// The page and its ETag, or nil when it is unchanged since the ETag `ifNoneMatch` (304).
    func page(
        query: String?, cursor: String?, limit: Int, includeInactive: Bool? = nil, token: String? = nil,
        ifNoneMatch: String?, requestID: String?
    ) async throws -> (ProductServiceAPI.Components.Schemas.ProductPage, etag: String?)? {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            let answer = try await api.listProducts(
                query: .init(q: query, limit: limit, cursor: cursor, includeInactive: includeInactive),
                headers: .init(ifNoneMatch: ifNoneMatch))
            if case .notModified = answer { return nil }
            let found = try answer.ok
            return (try found.body.json, found.headers.eTag)
        }
    }

    /// The product and the ETag a conditional write must name.
    func product(slug: String, token: String? = nil, requestID: String?) async throws -> (ProductDoc, etag: String?) {
        guard let found = try await product(slug: slug, token: token, ifNoneMatch: nil, requestID: requestID) else {
            throw UnaskedNotModified()
        }
        return found
    }

    /// The product and its ETag, or nil when it is unchanged since the ETag `ifNoneMatch` (304).
    func product(slug: String, token: String? = nil, ifNoneMatch: String?, requestID: String?) async throws
        -> (ProductDoc, etag: String?)?
    {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            let answer = try await api.getProduct(path: .init(slug: slug), headers: .init(ifNoneMatch: ifNoneMatch))
            if case .notModified = answer { return nil }
            let found = try answer.ok
            return (try found.body.json, found.headers.eTag)
        }
    }

    func create(_ product: ProductServiceAPI.Components.Schemas.NewProduct, token: String, requestID: String?)
        async throws -> ProductDoc
    {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.createProduct(body: .json(product)).created.body.json
        }
    }

    /// Written only if the product's ETag is still `ifMatch` (a 412 refusal if not).
    func update(
        slug: String, _ patch: ProductServiceAPI.Components.Schemas.ProductPatch, ifMatch: String?, token: String,
        requestID: String?
    ) async throws {
        _ = try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.updateProduct(
                path: .init(slug: slug), headers: .init(ifMatch: ifMatch), body: .json(patch)
            ).ok
        }
    }

    /// Raw image bytes; product-service checks their type and size.
    func uploadImage(slug: String, _ bytes: Data, token: String, requestID: String?) async throws {
        _ = try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.putProductImage(path: .init(slug: slug), body: .binary(HTTPBody(bytes)))
                .ok
        }
    }
}
