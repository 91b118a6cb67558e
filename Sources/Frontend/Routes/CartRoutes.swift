import Foundation
import Hummingbird
import ShopPlatform

/// Cart and checkout.
struct CartRoutes {
    typealias Context = FrontendContext
    let backends: Backends
    let pages: PageRenderer
    let tokens: TokenKeeper
    static let ordersDown = "Your cart is unavailable right now. Browsing still works; please try again in a moment."

    func addRoutes(to router: Router<Context>) {
        router.get("/cart", use: cart)
        router.post("/cart/add", use: add)
        router.post("/cart/items/:product_id", use: update)
        router.post("/cart/items/:product_id/remove", use: remove)
        router.get("/checkout", use: summary)
        router.post("/checkout", use: checkout)
    }

    struct AddForm: Decodable {
        let productID: Int64?
        let quantity: Int?
        let slug: String?

        enum CodingKeys: String, CodingKey {
            case quantity, slug
            case productID = "product_id"
        }
    }

    struct QuantityForm: Decodable {
        let quantity: Int?
    }

    struct CheckoutForm: Decodable {
        let idempotencyKey: String?
        let expectedTotalMinor: String?
        let currency: String?

        enum CodingKeys: String, CodingKey {
            case currency
            case idempotencyKey = "idempotency_key"
            case expectedTotalMinor = "expected_total_minor"
        }

        /// The total the summary page showed, when it sent one.
        var expectedTotal: Money? {
            guard let minor = expectedTotalMinor.flatMap({ Int64($0) }), let currency else { return nil }
            return Money(minorUnits: minor, currency: currency)
        }
    }

    @Sendable func cart(_ request: Request, context: Context) async throws -> Response {
        try await cartPage(request, context: context, template: "cart", title: "Your cart")
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> Response {
        try await cartPage(request, context: context, template: "checkout", title: "Checkout")
    }

    private func cartPage(_ request: Request, context: Context, template: String, title: String) async throws
        -> Response
    {
        guard let token = await tokens.token(for: context) else { return tokens.loginRedirect(for: request) }
        let doc: CartDoc
        do {
            doc = try await backends.orders.cart(token: token, requestID: context.id)
        } catch {
            return pages.render(
                template, CartModel(lines: [], empty: true, subtotal: nil, canCheckout: false, idempotencyKey: ""),
                context: context, banners: [Self.ordersDown], title: title)
        }
        context.session.update { $0.cartCount = Int(doc.itemCount) }
        let lines = doc.items.map { item in
            let currency = item.currency ?? doc.currency
            return CartLineModel(
                productID: item.productId, slug: item.slug, name: item.name ?? "Product \(item.productId)",
                quantity: Int(item.quantity),
                unitPrice: item.unitPriceMinor.map { Money(minorUnits: $0, currency: currency).formatted },
                lineTotal: item.lineTotalMinor.map { Money(minorUnits: $0, currency: currency).formatted },
                available: item.available ?? true,
                unavailableReason: item.available == false
                    ? Self.unavailableReason(item, cartCurrency: doc.currency) : nil)
        }
        var banners: [String] = []
        if !doc.catalogueAvailable {
            banners.append("Prices are unavailable right now; your cart is safe. Please try again in a moment.")
        }
        let model = CartModel(
            lines: lines, empty: lines.isEmpty,
            subtotal: doc.subtotalMinor.map { Money(minorUnits: $0, currency: doc.currency).formatted },
            canCheckout: !lines.isEmpty && doc.catalogueAvailable && lines.allSatisfy(\.available),
            idempotencyKey: UUID().uuidString, expectedTotalMinor: doc.subtotalMinor,
            currency: doc.subtotalMinor == nil ? nil : doc.currency)
        return pages.render(template, model, context: context, banners: banners, title: title)
    }

    /// Why a line cannot be checked out, in the customer's words.
    static func unavailableReason(_ item: CartDoc.ItemsPayloadPayload, cartCurrency: String) -> String {
        if let currency = item.currency, currency != cartCurrency {
            return "Priced in \(currency) now, and your cart is in \(cartCurrency): remove it to check out"
        }
        return (item.stock ?? 0) > 0 ? "Only \(item.stock ?? 0) left" : "No longer available"
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> Response {
        let form = try await request.decode(as: AddForm.self, context: context)
        let back = form.slug.map { "/product/\($0.urlComponent)" } ?? "/cart"
        guard let token = await tokens.token(for: context) else {
            context.session.update { $0.flash(.info, "Please log in to add items to your cart.") }
            return tokens.loginRedirect(for: request, returningTo: back)
        }
        guard let productID = form.productID, let quantity = form.quantity else {
            context.session.update { $0.flash(.error, "Choose a quantity.") }
            return .redirect(to: back, type: .normal)
        }
        return try await changeCart(context: context, success: "Added to your cart.", redirect: "/cart", failure: back)
        {
            try await backends.orders.add(
                productID: Int64(productID), quantity: quantity, token: token, requestID: context.id)
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let form = try await request.decode(as: QuantityForm.self, context: context)
        let productID = try productID(context)
        guard let token = await tokens.token(for: context) else {
            return tokens.loginRedirect(for: request, returningTo: "/cart")
        }
        guard let quantity = form.quantity else {
            context.session.update { $0.flash(.error, "Choose a quantity.") }
            return .redirect(to: "/cart", type: .normal)
        }
        return try await changeCart(context: context, success: "Cart updated.", redirect: "/cart", failure: "/cart") {
            try await backends.orders.setQuantity(productID: productID, quantity, token: token, requestID: context.id)
        }
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        let productID = try productID(context)
        guard let token = await tokens.token(for: context) else {
            return tokens.loginRedirect(for: request, returningTo: "/cart")
        }
        return try await changeCart(
            context: context, success: "Removed from your cart.", redirect: "/cart", failure: "/cart"
        ) {
            do {
                return try await backends.orders.setQuantity(
                    productID: productID, 0, token: token, requestID: context.id)
            } catch let refusal as Backend.Refusal where refusal.status == 404 {
                // Not in the cart (a double click, or a retried removal that had
                // already been made): the cart is as asked.
                return try await backends.orders.cart(token: token, requestID: context.id)
            }
        }
    }

    /// Runs a cart change and reports it as a flash message on the next page.
    private func changeCart(
        context: Context, success: String, redirect: String, failure: String,
        _ change: () async throws -> CartDoc
    ) async throws -> Response {
        do {
            let cart = try await change()
            context.session.update {
                $0.cartCount = Int(cart.itemCount)
                $0.flash(.success, success)
            }
            return .redirect(to: redirect, type: .normal)
        } catch let refusal as Backend.Refusal {
            let message =
                refusal.problem.errors?.first?.message.capitalizedFirst ?? refusal.problem.detail
                ?? "That did not work."
            context.session.update { $0.flash(.error, message) }
            return .redirect(to: failure, type: .normal)
        } catch {
            context.session.update { $0.flash(.error, Self.ordersDown) }
            return .redirect(to: failure, type: .normal)
        }
    }

    /// Places the order. The form's idempotency key makes a double submit place
    /// one order; short stock goes back to the cart naming the items.
    @Sendable func checkout(_ request: Request, context: Context) async throws -> Response {
        let form = try await request.decode(as: CheckoutForm.self, context: context)
        guard let token = await tokens.token(for: context) else {
            return tokens.loginRedirect(for: request, returningTo: "/cart")
        }
        do {
            let order = try await backends.orders.placeOrder(
                idempotencyKey: form.idempotencyKey ?? UUID().uuidString, expecting: form.expectedTotal, token: token,
                requestID: context.id)
            context.session.update { $0.cartCount = 0 }
            return .redirect(to: "/order/\(order.number)/thank-you", type: .normal)
        } catch let refusal as Backend.Refusal where refusal.problem.isKind("prices-changed") {
            // Back to the summary, which shows the new total.
            context.session.update {
                $0.flash(.error, refusal.problem.detail ?? "Your order's total changed since you looked.")
            }
            return .redirect(to: "/checkout", type: .normal)
        } catch let refusal as Backend.Refusal {
            let items = refusal.problem.errors?.map(\.message).joined(separator: "; ")
            let message: String
            switch refusal.status {
            case 409: message = "Some items are short of stock: \(items ?? refusal.problem.detail ?? "")"
            case 422: message = "Some items can no longer be bought: \(items ?? refusal.problem.detail ?? "")"
            case 404: message = "Your cart is empty."
            default: message = refusal.problem.detail ?? "Checkout did not go through."
            }
            context.session.update { $0.flash(.error, message) }
            return .redirect(to: "/cart", type: .normal)
        } catch {
            context.session.update {
                $0.flash(.error, "We could not place your order right now; nothing was charged. Please try again.")
            }
            return .redirect(to: "/cart", type: .normal)
        }
    }

    private func productID(_ context: Context) throws -> Int64 {
        guard let id = context.parameters.get("product_id", as: Int64.self) else { throw HTTPError(.notFound) }
        return id
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
