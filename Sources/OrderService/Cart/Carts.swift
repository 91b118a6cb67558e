import Foundation
import ShopPlatform

/// What order-service does with carts, for `/v1` and the `/api` adapter alike.
struct Carts: Sendable {
    let orders: OrderStore
    let catalog: ProductCatalogClient
    let maxQuantity: Int
    let defaultCurrency: String

    /// The user's cart as stored, if there is one.
    func current(userID: Int64) async throws -> Order? {
        try await orders.cart(userID: userID)
    }

    func clear(userID: Int64) async throws {
        try await orders.clear(userID: userID)
    }

    /// The cart with current names and prices; answers even when product-service
    /// is down (without prices, `catalogue_available: false`).
    func view(userID: Int64, requestID: String?) async throws -> CartResource {
        try await resource(for: try await orders.cart(userID: userID), requestID: requestID)
    }

    /// - Parameter known: the catalogue's answer for some products, read moments
    ///   ago; asked again only when a line is missing from it.
    func resource(
        for cart: Order?, requestID: String?, known: [Int64: ProductSummary] = [:]
    ) async throws -> CartResource {
        let lines = cart?.lines ?? []
        let products =
            lines.allSatisfy({ known[$0.productID] != nil })
            ? known.filter { id, _ in lines.contains { $0.productID == id } }
            : try? await catalog.products(ids: lines.map(\.productID), requestID: requestID)
        let currency = products.flatMap { Self.currency(of: lines, products: $0) } ?? defaultCurrency
        let items = lines.map { line -> CartResource.Item in
            guard let products else {
                return .init(
                    productID: line.productID, quantity: line.quantity, slug: nil, name: nil, unitPriceMinor: nil,
                    lineTotalMinor: nil, currency: nil, imageURL: nil, available: nil, stock: nil)
            }
            let product = products[line.productID]
            let available =
                product.map { $0.isActive && $0.stock >= Int64(line.quantity) && $0.currency == currency } ?? false
            return .init(
                productID: line.productID, quantity: line.quantity, slug: product?.slug, name: product?.name,
                unitPriceMinor: product?.priceMinor,
                lineTotalMinor: product.map { $0.priceMinor * Int64(line.quantity) }, currency: product?.currency,
                imageURL: product?.imageUrl, available: available, stock: product.map { Int($0.stock) })
        }
        let subtotal: Int64? =
            products == nil ? nil : items.filter { $0.available == true }.reduce(0) { $0 + ($1.lineTotalMinor ?? 0) }
        return CartResource(
            id: cart?.id, number: cart?.number, items: items, itemCount: lines.reduce(0) { $0 + $1.quantity },
            subtotalMinor: subtotal, currency: currency,
            catalogueAvailable: products != nil)
    }

    /// A cart, like the order it becomes, is in one currency: its first line's
    /// still on sale (a withdrawn line cannot be bought, so it decides nothing).
    /// A line priced in another (repriced since it was added) is shown
    /// unavailable, and a checkout names it.
    static func currency(of lines: [Order.Line], products: [Int64: ProductSummary]) -> String? {
        lines.lazy.compactMap { products[$0.productID] }.first(where: \.isActive)?.currency
    }

    /// Adds after checking the product exists, is sold and is in the cart's
    /// currency (a clear 422 if not, 503 if product-service cannot say).
    func add(userID: Int64, productID: Int64?, quantity: Int?, requestID: String?) async throws -> Order {
        try await adding(userID: userID, productID: productID, quantity: quantity, requestID: requestID).cart
    }

    /// Adds, and answers with the cart as `/v1` shows it. One catalogue call
    /// serves both the check and the view: it asks for the product and for
    /// every line already in the cart.
    func addAndView(userID: Int64, productID: Int64?, quantity: Int?, requestID: String?) async throws -> CartResource {
        let (cart, products) = try await adding(
            userID: userID, productID: productID, quantity: quantity, requestID: requestID)
        return try await resource(for: cart, requestID: requestID, known: products)
    }

    /// Asks the catalogue, in one call, for the product and the lines already in
    /// the cart: for their currency, and for the answer to show.
    private func adding(
        userID: Int64, productID: Int64?, quantity: Int?, requestID: String?
    ) async throws -> (cart: Order, products: [Int64: ProductSummary]) {
        var validator = Validator()
        let productID = validator.require(productID, "product_id")
        let quantity = validator.require(quantity, "quantity")
        if let productID { validator.check(productID > 0, "product_id", "must be a positive product id") }
        if let quantity {
            validator.check((1...maxQuantity).contains(quantity), "quantity", "must be from 1 to \(maxQuantity)")
        }
        try validator.throwIfInvalid()
        guard let productID, let quantity else { throw ProblemError.validation(validator.errors) }
        let inCart = try await orders.cart(userID: userID)?.lines ?? []
        let products: [Int64: ProductSummary]
        do {
            products = try await catalog.products(ids: inCart.map(\.productID) + [productID], requestID: requestID)
        } catch {
            throw ProblemError(
                .serviceUnavailable, "The catalogue is unavailable right now; please try again",
                retryAfter: 5)
        }
        guard let product = products[productID], product.isActive else {
            throw ProblemError(
                .unprocessableContent, "Product \(productID) does not exist or is no longer sold",
                fieldErrors: [.init(field: "product_id", message: "is not a product on sale")])
        }
        // Racing adds of two currencies into an empty cart can both pass; the
        // checkout then names the odd line (mixed-currencies), so no order mixes.
        if let cartCurrency = Self.currency(of: inCart, products: products), cartCurrency != product.currency {
            throw ProblemError(
                .unprocessableContent,
                "\(product.name) is priced in \(product.currency) and your cart in \(cartCurrency): "
                    + "an order is paid in one currency, so check out or empty your cart first",
                fieldErrors: [
                    .init(field: "product_id", message: "is priced in \(product.currency), not \(cartCurrency)")
                ])
        }
        let cart = try await orders.add(
            userID: userID, productID: product.id, quantity: quantity, maxQuantity: maxQuantity)
        return (cart, products)
    }

    func set(userID: Int64, productID: Int64, quantity: Int?) async throws -> Order {
        guard let quantity, (0...maxQuantity).contains(quantity) else {
            throw ProblemError.validation([.init(field: "quantity", message: "must be from 0 to \(maxQuantity)")])
        }
        return try await orders.set(userID: userID, productID: productID, quantity: quantity)
    }
}
