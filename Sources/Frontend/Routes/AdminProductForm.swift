import ShopPlatform

/// The admin's product form: what it posts, what it shows, and what it sends on.
extension AdminRoutes {
    struct ProductForm: Decodable {
        let name: String?
        let slug: String?
        let description: String?
        let price: String?
        let stock: String?
        let active: String?
        /// Edit form only: units to add (or, negative, remove); the ETag and
        /// currency of the product as the form was loaded; and the values the
        /// admin saw then, to tell a sale (stock only) from another admin's edit.
        let stockAdjust: String?
        let version: String?
        let currency: String?
        let seenName: String?
        let seenDescription: String?
        let seenPrice: String?
        let seenActive: String?

        enum CodingKeys: String, CodingKey {
            case name, slug, description, price, stock, active, version, currency
            case stockAdjust = "stock_adjust"
            case seenName = "seen_name"
            case seenDescription = "seen_description"
            case seenPrice = "seen_price"
            case seenActive = "seen_active"
        }

        /// The fields this form writes that someone else changed since it was
        /// loaded; nil when the form does not say what it saw. A change of
        /// currency is a change of price.
        func fieldsChanged(since current: ProductDoc) -> [String]? {
            guard let seenName, let seenDescription, let seenPrice, let seenActive else { return nil }
            let now = AdminRoutes.values(of: current)
            let fields: [(name: String, seen: String, now: String)] = [
                ("name", seenName, now["name"] ?? ""), ("description", seenDescription, now["description"] ?? ""),
                ("price", seenPrice, AdminRoutes.priceText(current)), ("active", seenActive, now["active"] ?? ""),
            ]
            return fields.filter { !Self.same($0.seen, $0.now) || ($0.name == "price" && currency != current.currency) }
                .map(\.name)
        }

        /// The form's values moved onto the product as it is now: a field the
        /// admin left as loaded takes its current value, so saving again writes
        /// only what the admin changed (and, where both changed, the admin's).
        func rebased(onto current: ProductDoc) -> (values: [String: String], price: String) {
            var values = AdminRoutes.values(self)
            let now = AdminRoutes.values(of: current)
            for (field, seen) in [("name", seenName), ("description", seenDescription), ("active", seenActive)] {
                if let seen, Self.same(values[field] ?? "", seen) { values[field] = now[field] }
            }
            let keepsPrice = seenPrice.map { Self.same(price ?? "", $0) && currency == current.currency } ?? false
            return (values, keepsPrice ? AdminRoutes.priceText(current) : price ?? "")
        }

        /// The baseline the form was loaded with, to send back with a refused form.
        var baseline: [String: String] {
            let fields = [
                ("version", version), ("currency", currency), ("seen_name", seenName),
                ("seen_description", seenDescription), ("seen_price", seenPrice), ("seen_active", seenActive),
            ]
            return Dictionary(uniqueKeysWithValues: fields.compactMap { name, value in value.map { (name, $0) } })
        }

        /// Equal once line breaks are normalised: browsers send them as CRLF, and
        /// an HTML parser reads a lone CR as LF.
        private static func same(_ a: String, _ b: String) -> Bool {
            func normalized(_ text: String) -> String {
                text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            }
            return normalized(a) == normalized(b)
        }
    }

    /// The edit page for `product`. Its baseline (the ETag, currency and values
    /// a save is checked against) is the product as it is now, unless `form`
    /// already carries one (a refused save keeps the one it was loaded with).
    static func editModel(
        _ product: ProductDoc, etag: String?, form: FormModel, priceValue: String? = nil
    ) -> AdminProductFormModel {
        var form = form
        let seen = values(of: product)
        let baseline = [
            "version": etag ?? "", "currency": product.currency, "seen_name": seen["name"] ?? "",
            "seen_description": seen["description"] ?? "", "seen_price": priceText(product),
            "seen_active": seen["active"] ?? "",
        ]
        form.values.merge(baseline) { kept, _ in kept }
        return AdminProductFormModel(
            product: ProductCard(product), isNew: false, form: form, priceValue: priceValue ?? priceText(product),
            currency: product.currency)
    }

    /// The price as the form shows it, in major units.
    static func priceText(_ product: ProductDoc) -> String {
        "\(Money(minorUnits: product.priceMinor, currency: product.currency).majorUnits)"
    }

    static func values(of product: ProductDoc) -> [String: String] {
        [
            "name": product.name, "slug": product.slug, "description": product.description,
            "active": product.isActive ? "on" : "", "stock_adjust": "0",
        ]
    }

    static func values(_ form: ProductForm) -> [String: String] {
        [
            "name": form.name ?? "", "slug": form.slug ?? "", "description": form.description ?? "",
            "stock": form.stock ?? "", "active": form.active ?? "",
        ]
    }
}

extension FormModel {
    /// product-service's refusal of a product form: each field error beside its
    /// field (the API's `price_minor` is the form's `price`), else the detail.
    mutating func show(_ refusal: Backend.Refusal) {
        for error in refusal.problem.errors ?? [] {
            errors[error.field == "price_minor" ? "price" : error.field] = error.message.capitalizedFirst
        }
        if errors.isEmpty { general = refusal.problem.detail ?? "Not saved." }
    }
}
