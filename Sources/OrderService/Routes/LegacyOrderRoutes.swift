import Foundation
import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// The training shop's order contract under `/api`, as a thin adapter over
/// `Carts` and `Checkout`. Fixed, not copied: checking out without a cart is a
/// 404 (the original crashed), out of stock is a 409, and the order list is
/// admin-only.
struct LegacyOrderRoutes {
    typealias Context = ShopRequestContext
    let carts: Carts
    let checkout: Checkout
    let orders: OrderStore

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("order/add-item", use: addItem)
        group.get("order", use: current)
        group.post("order/checkout", use: checkOut)
        group.group().add(middleware: AuthorizationPolicyMiddleware.adminOnly).get("orders", use: all)
    }

    @Sendable func addItem(_ request: Request, context: Context) async throws -> LegacyOrderResult {
        let user = try context.requireIdentity()
        let input = try await request.decode(as: LegacyAddItemInput.self, context: context)
        do {
            let order = try await carts.add(
                userID: user.userID, productID: input.productID, quantity: input.qty, requestID: context.id)
            return LegacyOrderResult(result: LegacyOrder(order))
        } catch var problem as ProblemError where problem.status == .unprocessableContent {
            problem.status = .badRequest
            throw problem
        }
    }

    @Sendable func current(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireIdentity()
        guard let cart = try await carts.current(userID: user.userID) else {
            return try JSONEncoder.shop.encode(
                LegacyMessage(message: "No order found"), from: request, context: context)
        }
        return try JSONEncoder.shop.encode(
            LegacyOrderResult(result: LegacyOrder(cart)), from: request, context: context)
    }

    /// The original had no idempotency key; each call is its own attempt, and a
    /// double submit finds the cart already gone (404).
    @Sendable func checkOut(_ request: Request, context: Context) async throws -> LegacyOrderResult {
        let user = try context.requireIdentity()
        do {
            switch try await checkout.run(
                userID: user.userID, key: "legacy-" + UUID().uuidString, requestID: context.id)
            {
            case .placed(let order):
                return LegacyOrderResult(result: LegacyOrder(order))
            case .refused(let problem):
                throw problem
            }
        } catch let problem as ProblemError
            where problem.status == .unprocessableContent && problem.kind == "validation"
            || problem == OrderRows.checkoutInProgress
        {
            // An empty cart, or a double submit that finds the first still running.
            throw ProblemError.notFound("No order found")
        }
    }

    @Sendable func all(_ request: Request, context: Context) async throws -> [LegacyOrder] {
        try await orders.everyOrder(includeCarts: true).map(LegacyOrder.init)
    }
}
