import Foundation
import Hummingbird
import ShopPlatform

/// The customer's order history, an order's page (and its thank-you page
/// after checkout), and cancellation.
struct OrderRoutes {
    typealias Context = FrontendContext
    let backends: Backends
    let pages: PageRenderer
    let tokens: TokenKeeper

    func addRoutes(to router: Router<Context>) {
        router.get("/orders", use: list)
        router.get("/orders/:number", use: show)
        router.post("/orders/:number/cancel", use: cancel)
        router.get("/order/:number/thank-you", use: thankYou)
        router.get("/order/thank-you", use: legacyThankYou)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        guard let token = await tokens.token(for: context) else { return tokens.loginRedirect(for: request) }
        let cursor = request.uri.queryParameters["cursor"].flatMap { Int64(String($0)) }
        do {
            let page = try await backends.orders.orders(
                cursor: cursor.map(String.init), limit: 20, token: token, requestID: context.id)
            let model = OrdersModel(
                orders: page.items.map(OrderModel.init), empty: page.items.isEmpty,
                nextURL: page.nextCursor.map { "/orders?cursor=\($0)" })
            return pages.render("orders", model, context: context, title: "Your orders")
        } catch {
            return pages.render(
                "orders", OrdersModel(orders: [], empty: false, nextURL: nil), context: context,
                banners: ["Your orders are unavailable right now. Please try again in a moment."], title: "Your orders")
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await orderPage(request, context: context) {
            pages.render("order", OrderModel($0), context: context, title: "Order \($0.number)")
        }
    }

    @Sendable func thankYou(_ request: Request, context: Context) async throws -> Response {
        try await orderPage(request, context: context) {
            pages.render("thank_you", OrderModel($0), context: context, title: "Thank you")
        }
    }

    /// The training shop's thank-you route, kept working.
    @Sendable func legacyThankYou(_ request: Request, context: Context) async throws -> Response {
        pages.render("legacy_thank_you", [String: String](), context: context, title: "Thank you")
    }

    /// The signed-in customer's order `:number` rendered by `render`; another
    /// customer's order, like a missing one, is not found.
    private func orderPage(
        _ request: Request, context: Context, render: (OrderDoc) -> Response
    ) async throws -> Response {
        let number = try context.parameters.require("number")
        guard let token = await tokens.token(for: context) else { return tokens.loginRedirect(for: request) }
        do {
            return render(try await backends.orders.order(number, token: token, requestID: context.id))
        } catch is Backend.Refusal {
            throw HTTPError(.notFound)
        }
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let number = try context.parameters.require("number")
        guard let token = await tokens.token(for: context) else {
            return tokens.loginRedirect(for: request, returningTo: "/orders/\(number.urlComponent)")
        }
        do {
            _ = try await backends.orders.cancel(number, token: token, requestID: context.id)
            context.session.update { $0.flash(.success, "Order \(number) is cancelled.") }
        } catch let refusal as Backend.Refusal {
            if refusal.status == 404 { throw HTTPError(.notFound) }
            context.session.update { $0.flash(.error, refusal.problem.detail ?? "This order cannot be cancelled.") }
        } catch {
            context.session.update { $0.flash(.error, "Cancelling is unavailable right now. Please try again.") }
        }
        return .redirect(to: "/orders/\(number.urlComponent)", type: .normal)
    }
}
