import Foundation
import OpenAPIRuntime
import OrderServiceAPI
import ShopPlatform

/// order-service's shapes, as its document describes them.
typealias CartDoc = OrderServiceAPI.Components.Schemas.Cart
typealias OrderDoc = OrderServiceAPI.Components.Schemas.Order
typealias OrderPageDoc = OrderServiceAPI.Components.Schemas.OrderPage
/// The states an admin can list orders by.
typealias OrderStatusFilter = OrderServiceAPI.Operations.ListAllOrders.Input.Query.StatusPayload

/// The storefront's view of order-service: the customer's cart and orders (and
/// every order, for an admin), through the client generated from its OpenAPI
/// document, always with the customer's `token`. A 4xx comes out as `Backend.Refusal`.
struct CartsAndOrders: Sendable {
    let api: OrderServiceAPI.Client

    init(client: ServiceClient) throws {
        self.api = OrderServiceAPI.Client(
            serverURL: try client.serverURL, configuration: client.clientConfiguration, transport: client.transport,
            middlewares: client.storefrontMiddlewares)
    }

    func cart(token: String, requestID: String?) async throws -> CartDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.getCart().ok.body.json
        }
    }

    func add(productID: Int64, quantity: Int, token: String, requestID: String?) async throws -> CartDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.addCartItem(body: .json(.init(productId: productID, quantity: Int64(quantity))))
                .created.body.json
        }
    }

    /// 0 removes the line.
    func setQuantity(productID: Int64, _ quantity: Int, token: String, requestID: String?) async throws -> CartDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.setCartItem(
                path: .init(productId: productID), body: .json(.init(quantity: Int64(quantity)))
            ).ok.body.json
        }
    }

    /// Checkout; the same `idempotencyKey` never places twice.
    /// - Parameter expecting: the total the customer was shown; the order is
    ///   refused (409 `prices-changed`) when it would come to another.
    func placeOrder(idempotencyKey: String, expecting total: Money?, token: String, requestID: String?) async throws
        -> OrderDoc
    {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.placeOrder(
                headers: .init(idempotencyKey: idempotencyKey),
                body: total.map { .json(.init(expectedTotalMinor: $0.minorUnits, currency: $0.currency)) }
            ).created.body.json
        }
    }

    func orders(cursor: String?, limit: Int, token: String, requestID: String?) async throws -> OrderPageDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.listOrders(query: .init(limit: limit, cursor: cursor)).ok.body.json
        }
    }

    /// By order number (or id).
    func order(_ reference: String, token: String, requestID: String?) async throws -> OrderDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.getOrder(path: .init(reference: reference)).ok.body.json
        }
    }

    func cancel(_ reference: String, token: String, requestID: String?) async throws -> OrderDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.cancelOrder(path: .init(reference: reference)).ok.body.json
        }
    }

    /// Every order (admin), newest first.
    func allOrders(status: OrderStatusFilter?, limit: Int, token: String, requestID: String?) async throws
        -> OrderPageDoc
    {
        try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.listAllOrders(query: .init(status: status, limit: limit)).ok.body.json
        }
    }
}
