import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// `/v1/cart`: the caller's cart.
struct CartRoutes {
    typealias Context = ShopRequestContext
    let carts: Carts

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: show)
        group.delete(use: clear)
        group.post("items", use: add)
        group.put("items/:product_id", use: setQuantity)
        group.delete("items/:product_id", use: remove)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> CartResource {
        try await carts.view(userID: try context.requireIdentity().userID, requestID: context.id)
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> EditedResponse<CartResource> {
        let user = try context.requireIdentity()
        let input = try await request.decode(as: AddItemInput.self, context: context)
        let cart = try await carts.addAndView(
            userID: user.userID, productID: input.productID, quantity: input.quantity, requestID: context.id)
        return .init(status: .created, response: cart)
    }

    @Sendable func setQuantity(_ request: Request, context: Context) async throws -> CartResource {
        let user = try context.requireIdentity()
        let input = try await request.decode(as: SetQuantityInput.self, context: context)
        let cart = try await carts.set(userID: user.userID, productID: try productID(context), quantity: input.quantity)
        return try await carts.resource(for: cart, requestID: context.id)
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        _ = try await carts.set(
            userID: try context.requireIdentity().userID, productID: try productID(context), quantity: 0)
        return .noContent
    }

    @Sendable func clear(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        try await carts.clear(userID: try context.requireIdentity().userID)
        return .noContent
    }

    private func productID(_ context: Context) throws -> Int64 {
        guard let id = context.parameters.get("product_id", as: Int64.self), id > 0 else {
            throw ProblemError.notFound("No such product in your cart")
        }
        return id
    }
}
