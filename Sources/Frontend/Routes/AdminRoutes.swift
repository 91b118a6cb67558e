import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import ProductServiceAPI
import ShopPlatform

/// The admin area: products (create, edit, image upload) and all orders.
/// Admins only; others get a 403 page, anonymous visitors the login page.
struct AdminRoutes {
    typealias Context = FrontendContext
    let backends: Backends
    let pages: PageRenderer
    let tokens: TokenKeeper
    /// The shop's currency, in which new products are priced.
    let currency: String

    func addRoutes(to router: Router<Context>) {
        router.get("/admin", use: adminOnly(products))
        router.get("/admin/products/new", use: adminOnly(newProduct))
        router.post("/admin/products", use: adminOnly(create))
        router.get("/admin/products/:slug", use: adminOnly(edit))
        router.post("/admin/products/:slug", use: adminOnly(update))
        router.post("/admin/products/:slug/image", use: adminOnly(uploadImage))
        router.get("/admin/orders", use: adminOnly(orders))
    }

    struct ImageForm: Decodable {
        let image: Data
    }

    /// Wraps an admin page: anonymous visitors are sent to log in, customers
    /// get a 403 page, admins reach the handler with their token.
    private func adminOnly(
        _ handler: @escaping @Sendable (Request, Context, String) async throws -> Response
    ) -> @Sendable (Request, Context) async throws -> Response {
        { [tokens, pages] request, context in
            guard let token = await tokens.token(for: context) else { return tokens.loginRedirect(for: request) }
            guard context.session.value.isAdmin else {
                return pages.render(
                    "error", ErrorPage(title: "Forbidden", message: "The admin area is for shop admins only."),
                    context: context, status: .forbidden, title: "Forbidden")
            }
            return try await handler(request, context, token)
        }
    }

    @Sendable func products(_ request: Request, context: Context, token: String) async throws -> Response {
        var all: [ProductDoc] = []
        var cursor: String?
        repeat {
            let page = try await backends.products.page(
                cursor: cursor, limit: 100, includeInactive: true, token: token, requestID: context.id)
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil && all.count < 2000
        return pages.render(
            "admin_products", AdminProductsModel(products: all.map(ProductCard.init)), context: context, title: "Admin")
    }

    @Sendable func newProduct(_ request: Request, context: Context, token _: String) async throws -> Response {
        return pages.render(
            "admin_product_form",
            AdminProductFormModel(
                product: nil, isNew: true, form: FormModel(values: ["stock": "0", "active": "on"]), priceValue: "",
                currency: currency),
            context: context, title: "New product")
    }

    @Sendable func create(_ request: Request, context: Context, token: String) async throws -> Response {
        let form = try await request.decode(as: ProductForm.self, context: context)
        var model = FormModel(values: Self.values(form))
        let price = Money.parse(major: form.price ?? "", currency: currency)
        if price == nil { model.errors["price"] = "Enter a price such as 12.50" }
        let stockText = (form.stock ?? "").trimmingCharacters(in: .whitespaces)
        let stock = Int(stockText)
        if stock == nil { model.errors["stock"] = "Enter a whole number of units, such as 10" }
        guard let price, let stock else {
            return pages.render(
                "admin_product_form",
                AdminProductFormModel(
                    product: nil, isNew: true, form: model, priceValue: form.price ?? "", currency: currency),
                context: context, status: .unprocessableContent, title: "New product")
        }
        do {
            let product = try await backends.products.create(
                .init(
                    slug: form.slug ?? "", name: form.name ?? "", description: form.description ?? "",
                    priceMinor: price.minorUnits, currency: price.currency, stock: Int64(stock),
                    isActive: form.active == "on"),
                token: token, requestID: context.id)
            context.session.update { $0.flash(.success, "Created \(product.name). Add a picture below.") }
            return .redirect(to: "/admin/products/\(product.slug)", type: .normal)
        } catch let refusal as Backend.Refusal {
            model.show(refusal)
            return pages.render(
                "admin_product_form",
                AdminProductFormModel(
                    product: nil, isNew: true, form: model, priceValue: form.price ?? "", currency: currency),
                context: context, status: .unprocessableContent, title: "New product")
        }
    }

    @Sendable func edit(_ request: Request, context: Context, token: String) async throws -> Response {
        let (product, etag) = try await load(try context.parameters.require("slug"), token: token, context: context)
        return pages.render(
            "admin_product_form",
            Self.editModel(product, etag: etag, form: FormModel(values: Self.values(of: product))),
            context: context, title: "Edit \(product.name)")
    }

    /// Saves the edit form. Stock changes only by the adjustment the admin typed,
    /// so sales made while the form was open are kept. The other fields are
    /// written against the ETag the form was loaded with; see `attempt`.
    @Sendable func update(_ request: Request, context: Context, token: String) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let form = try await request.decode(as: ProductForm.self, context: context)
        var model = FormModel(values: Self.values(form))
        let price = Money.parse(major: form.price ?? "", currency: form.currency ?? currency)
        if price == nil { model.errors["price"] = "Enter a price such as 12.50" }
        let adjustText = (form.stockAdjust ?? "").trimmingCharacters(in: .whitespaces)
        let adjust = adjustText.isEmpty ? 0 : Int(adjustText)
        if adjust == nil { model.errors["stock_adjust"] = "Enter a whole number of units, such as 5 or -2" }
        var conflict: [String]? = nil
        if let price, let adjust, model.errors.isEmpty {
            // Never an absolute stock: sales made while the form was open are kept.
            let payload = ProductServiceAPI.Components.Schemas.ProductPatch(
                name: form.name ?? "", description: form.description ?? "", priceMinor: price.minorUnits,
                stockAdjust: adjust == 0 ? nil : Int64(adjust), isActive: form.active == "on")
            do {
                switch try await attempt(payload, form: form, slug: slug, token: token, context: context) {
                case .saved:
                    context.session.update { $0.flash(.success, "Saved.") }
                    return .redirect(to: "/admin/products/\(slug.urlComponent)", type: .normal)
                case .conflict(let fields):
                    conflict = fields
                }
            } catch let refusal as Backend.Refusal {
                model.show(refusal)
            }
        }
        let (current, etag) = try await load(slug, token: token, context: context)
        var priceValue = form.price ?? ""
        if let conflict {
            // Saving again writes what the admin changed onto the product as it is now.
            (model.values, priceValue) = form.rebased(onto: current)
            let card = ProductCard(current)
            let who =
                conflict.isEmpty
                ? "this product changed while you were editing it (a sale or another admin)"
                : "someone else changed its \(conflict.joined(separator: " and ")) while you were editing it"
            model.general =
                "Not saved: \(who). It is now \"\(card.name)\" at \(card.price) with \(card.stock) in stock"
                + (card.isActive ? "" : ", inactive") + ". Check your changes and save again."
        } else {
            // A refused value keeps the baseline the form was loaded with, so the
            // next save is still checked against what the admin saw.
            model.values.merge(form.baseline) { $1 }
        }
        model.values["slug"] = current.slug
        model.values["stock_adjust"] = adjustText
        return pages.render(
            "admin_product_form", Self.editModel(current, etag: etag, form: model, priceValue: priceValue),
            context: context, status: conflict == nil ? .unprocessableContent : .conflict,
            title: "Edit \(current.name)")
    }

    enum SaveOutcome {
        case saved
        /// Not saved; the fields someone else changed (empty when unknown).
        case conflict([String])
    }

    /// Writes the form against the ETag it was loaded with. If that is outdated
    /// and nobody changed a field the form writes (only stock moved: a sale), the
    /// same write is made once against the product as it is now; not when it
    /// adjusts stock, since a repeated submission (a double click) must not apply
    /// an adjustment twice. Otherwise it is a conflict naming those fields.
    private func attempt(
        _ payload: ProductServiceAPI.Components.Schemas.ProductPatch, form: ProductForm, slug: String, token: String,
        context: Context
    ) async throws -> SaveOutcome {
        // A form without its version (hand-made, or from before versions) would
        // be written blind: shown again against the product as it is now instead.
        guard let version = form.version, !version.isEmpty else { return .conflict([]) }
        do {
            try await save(payload, slug: slug, ifMatch: version, token: token, context: context)
            return .saved
        } catch let refusal as Backend.Refusal where refusal.status == 412 {
            let (current, etag) = try await load(slug, token: token, context: context)
            let changed = form.fieldsChanged(since: current)
            guard changed?.isEmpty == true, payload.stockAdjust == nil else { return .conflict(changed ?? []) }
            do {
                try await save(payload, slug: slug, ifMatch: etag, token: token, context: context)
                return .saved
            } catch let again as Backend.Refusal where again.status == 412 {
                return .conflict([])
            }
        }
    }

    private func save(
        _ payload: ProductServiceAPI.Components.Schemas.ProductPatch, slug: String, ifMatch: String?, token: String,
        context: Context
    ) async throws {
        try await backends.products.update(slug: slug, payload, ifMatch: ifMatch, token: token, requestID: context.id)
    }

    /// A browser file upload (multipart) forwarded as raw bytes; product-service
    /// checks the type from the bytes and the size.
    @Sendable func uploadImage(_ request: Request, context: Context, token: String) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let back = "/admin/products/\(slug.urlComponent)"
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard let contentType = request.headers[.contentType],
            let boundary = MediaType(from: contentType)?.parameter?.value,
            let form = try? FormDataDecoder().decode(ImageForm.self, from: body, boundary: boundary),
            !form.image.isEmpty
        else {
            context.session.update { $0.flash(.error, "Choose an image file to upload.") }
            return .redirect(to: back, type: .normal)
        }
        do {
            try await backends.products.uploadImage(slug: slug, form.image, token: token, requestID: context.id)
            context.session.update { $0.flash(.success, "Picture uploaded.") }
        } catch let refusal as Backend.Refusal {
            context.session.update { $0.flash(.error, refusal.problem.detail ?? "The picture was not accepted.") }
        }
        return .redirect(to: back, type: .normal)
    }

    @Sendable func orders(_ request: Request, context: Context, token: String) async throws -> Response {
        let status = OrderStatusFilter(rawValue: String(request.uri.queryParameters["status"] ?? ""))
        let valid = status?.rawValue ?? ""
        let page = try await backends.orders.allOrders(status: status, limit: 100, token: token, requestID: context.id)
        let filters = [("", "All"), ("placed", "Placed"), ("pending", "Pending"), ("cancelled", "Cancelled")].map {
            AdminOrdersModel.StatusFilter(value: $0.0, label: $0.1, selected: $0.0 == valid)
        }
        return pages.render(
            "admin_orders", AdminOrdersModel(orders: page.items.map(OrderModel.init), status: valid, filters: filters),
            context: context, title: "All orders")
    }

    /// The product with the ETag a conditional write must name.
    private func load(_ slug: String, token: String, context: Context) async throws -> (ProductDoc, String?) {
        do {
            return try await backends.products.product(slug: slug, token: token, requestID: context.id)
        } catch is Backend.Refusal {
            throw HTTPError(.notFound)
        }
    }
}
