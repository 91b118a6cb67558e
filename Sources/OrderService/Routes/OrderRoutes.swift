import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// `/v1/orders`: checkout, the caller's order history, cancellation; and the
/// admin view of every order under `/v1/admin/orders`.
struct OrderRoutes {
    typealias Context = ShopRequestContext
    let orders: OrderStore
    let checkout: Checkout
    let cancellation: Cancellation

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: placeOrder)
        group.get(use: history)
        group.get(":reference", use: show)
        group.post(":reference/cancel", use: cancel)
    }

    func addAdminRoutes(to group: RouterGroup<Context>) {
        group.add(middleware: AuthorizationPolicyMiddleware.adminOnly).get(use: allOrders)
    }

    /// Checkout. The `Idempotency-Key` header is required: a replay with the same
    /// key returns the first result and never places twice. An optional body
    /// names the total the customer was shown (`CheckoutInput`).
    @Sendable func placeOrder(_ request: Request, context: Context) async throws -> EditedResponse<OrderResource> {
        var request = request
        let user = try context.requireIdentity()
        guard let key = request.headers[.idempotencyKey], (1...255).contains(key.count),
            key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw ProblemError.badRequest("An Idempotency-Key header (1-255 visible ASCII characters) is required")
        }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let expected =
            body.readableBytes == 0
            ? nil : try await request.decode(as: CheckoutInput.self, context: context).expectation()
        switch try await checkout.run(userID: user.userID, key: key, expecting: expected, requestID: context.id) {
        case .placed(let order):
            return .init(
                status: .created, headers: [.location: "/v1/orders/\(order.id)"], response: OrderResource(order))
        case .refused(let problem):
            throw problem
        }
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> OrderPage {
        let user = try context.requireIdentity()
        return try await page(request, userID: user.userID, status: nil)
    }

    /// Another user's order is a 404, exactly like one that does not exist.
    @Sendable func show(_ request: Request, context: Context) async throws -> OrderResource {
        OrderResource(try await owned(context))
    }

    /// Idempotent; the stock comes back at once, or from the reconciler if
    /// product-service cannot be reached now.
    @Sendable func cancel(_ request: Request, context: Context) async throws -> OrderResource {
        OrderResource(try await cancellation.cancel(try await owned(context), requestID: context.id))
    }

    /// `?status=&user=&limit=&cursor=`.
    @Sendable func allOrders(_ request: Request, context: Context) async throws -> OrderPage {
        var status: Order.Status?
        if let raw = request.uri.queryParameters["status"], !raw.isEmpty {
            guard let parsed = Order.Status(rawValue: String(raw)), parsed != .cart else {
                throw ProblemError.validation([.init(field: "status", message: "must be pending, placed or cancelled")])
            }
            status = parsed
        }
        var userID: Int64?
        if let raw = request.uri.queryParameters["user"], !raw.isEmpty {
            guard let parsed = Int64(String(raw)) else {
                throw ProblemError.validation([.init(field: "user", message: "must be a user id")])
            }
            userID = parsed
        }
        return try await page(request, userID: userID, status: status, admin: true)
    }

    private func page(_ request: Request, userID: Int64?, status: Order.Status?, admin: Bool = false) async throws
        -> OrderPage
    {
        let limit = try Pagination.limit(from: request)
        let found = try await orders.list(
            userID: userID, status: status, before: try Pagination.cursor(from: request),
            limit: Pagination.fetchLimit(limit), includeAbandoned: admin)
        let page = Pagination.page(found, limit: limit, id: \.id)
        return OrderPage(items: page.items.map(OrderResource.init), nextCursor: page.nextCursor)
    }

    private func owned(_ context: Context) async throws -> Order {
        let user = try context.requireIdentity()
        // An order is named by its id (as in `Location`) or by its number (`MS-…`).
        let reference = try context.parameters.require("reference")
        let found: Order?
        if let id = Int64(reference) {
            found = try await orders.order(id: id, userID: user.userID)
        } else if reference.utf8.count <= 32 {
            found = try await orders.order(number: reference, userID: user.userID)
        } else {
            found = nil
        }
        guard let order = found else { throw ProblemError.notFound("No such order") }
        return order
    }
}
