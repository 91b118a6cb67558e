import Foundation
import Hummingbird
import ShopPlatform

/// The customer's order history, order details and cancellation.
struct OrderRoutes {
    typealias Context = FrontendContext
    let backends: Backends
    let pages: PageRenderer
    let tokens: TokenKeeper

    func addRoutes(to router: Router<Context>) {
        router.get("/orders", use: list)
        router.get("/orders/:number", use: show)
        router.post("/orders/:number/cancel", use: cancel)
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
        let number = try context.parameters.require("number")
        guard let token = await tokens.token(for: context) else { return tokens.loginRedirect(for: request) }
        do {
            let order = try await backends.orders.order(number, token: token, requestID: context.id)
            return pages.render("order", OrderModel(order), context: context, title: "Order \(order.number)")
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
