import Foundation
import ShopPlatform

/// What product-service does with the catalogue, independent of which API asked:
/// `/v1` routes and the training shop's `/api` adapter both call these.
struct Catalogue: Sendable {
    let products: any ProductStore
    let cache: CatalogueCache
    let defaultCurrency: String
    /// Stock given to products created through the training shop's API, which
    /// had no notion of stock.
    let legacyDefaultStock: Int
    let maxImageBytes: Int

    // MARK: Reads (cached, pre-encoded)

    func page(search: String?, after: Int64?, limit: Int, includeInactive: Bool = false) async throws
        -> CatalogueCache.Entry
    {
        let key = "page|\(search ?? "")|\(after ?? 0)|\(limit)|\(includeInactive)"
        return try await cache.entry(for: key) {
            let found = try await products.list(
                search: search, after: after, limit: Pagination.fetchLimit(limit), includeInactive: includeInactive)
            let page = Pagination.page(found, limit: limit, id: \.id)
            return try JSONEncoder.shop.encode(
                ProductPage(items: page.items.map(ProductResource.init), nextCursor: page.nextCursor))
        }
    }

    func batch(ids: [Int64], includeInactive: Bool) async throws -> CatalogueCache.Entry {
        let key = "ids|\(includeInactive)|" + ids.map(String.init).joined(separator: ",")
        return try await cache.entry(for: key) {
            let found = try await products.find(ids: ids).filter { includeInactive || $0.isActive }
            return try JSONEncoder.shop.encode(ProductPage(items: found.map(ProductResource.init), nextCursor: nil))
        }
    }

    /// One product's `/v1` document, pre-encoded (inactive ones are 404 to the public).
    /// Admins (`includeInactive`) read the row as it is now, never a cached copy
    /// another replica may have outdated: the ETag they get is what a conditional
    /// write (`If-Match`) is checked against.
    func productEntry(slug: String, includeInactive: Bool) async throws -> CatalogueCache.Entry {
        let encode: @Sendable () async throws -> Data = {
            try JSONEncoder.shop.encode(
                ProductResource(try await product(slug: slug, includeInactive: includeInactive)))
        }
        guard !includeInactive else { return CatalogueCache.Entry(encoding: try await encode()) }
        return try await cache.entry(for: "slug|\(slug)", make: encode)
    }

    /// An active product by slug (inactive ones are 404 to the public).
    func product(slug: String, includeInactive: Bool = false) async throws -> Product {
        guard let product = try await products.find(slug: slug), product.isActive || includeInactive else {
            throw ProblemError.notFound("Cannot find product")
        }
        return product
    }

    /// One active product in the training shop's `{"result": …}` shape, pre-encoded.
    func legacyProductEntry(slug: String) async throws -> CatalogueCache.Entry {
        try await cache.entry(for: "legacy|slug|\(slug)") {
            try JSONEncoder.shop.encode(LegacyProductResult(result: LegacyProduct(try await product(slug: slug))))
        }
    }

    func legacyList() async throws -> CatalogueCache.Entry {
        try await cache.entry(for: "legacy|all") {
            var all: [Product] = []
            var after: Int64 = 0
            while true {
                let page = try await products.list(search: nil, after: after, limit: 500, includeInactive: false)
                all += page
                guard page.count == 500, let last = page.last else { break }
                after = last.id
            }
            return try JSONEncoder.shop.encode(LegacyProductList(results: all.map(LegacyProduct.init)))
        }
    }

    // MARK: Writes (admin)

    func create(_ input: ProductInput) async throws -> Product {
        var validator = Validator()
        let slug = validator.require(input.slug, "slug")
        let name = validator.require(input.name, "name")
        let priceMinor = validator.require(input.priceMinor, "price_minor")
        let currency = input.currency ?? defaultCurrency
        if let slug { ProductRules.checkSlug(slug, &validator) }
        if let name { ProductRules.checkName(name, &validator) }
        if let priceMinor { ProductRules.checkPrice(priceMinor, &validator) }
        ProductRules.checkDescription(input.description ?? "", &validator)
        ProductRules.checkCurrency(currency, &validator)
        ProductRules.checkStock(input.stock ?? 0, &validator)
        try validator.throwIfInvalid()
        guard let slug, let name, let priceMinor else { throw ProblemError.validation(validator.errors) }
        let product = try await products.create(
            NewProduct(
                slug: slug, name: name, description: input.description ?? "",
                price: Money(minorUnits: priceMinor, currency: currency), stock: input.stock ?? 0,
                isActive: input.isActive ?? true, image: nil))
        cache.invalidate()
        return product
    }

    /// The training shop's create: price arrives as major-unit text.
    func createLegacy(_ input: LegacyProductInput) async throws -> Product {
        var validator = Validator()
        let slug = validator.require(input.slug.flatMap { $0.isEmpty ? nil : $0 }, "slug")
        let name = validator.require(input.name.flatMap { $0.isEmpty ? nil : $0 }, "name")
        let priceText = validator.require(input.price.flatMap { $0.isEmpty ? nil : $0 }, "price")
        if let slug { ProductRules.checkSlug(slug, &validator) }
        if let name { ProductRules.checkName(name, &validator) }
        let price = priceText.flatMap { Money.parse(major: $0, currency: defaultCurrency) }
        if priceText != nil {
            validator.check(price != nil, "price", "must be a non-negative amount such as 12.50")
        }
        if let price { ProductRules.checkPrice(price.minorUnits, &validator, field: "price") }
        validator.check((input.image ?? "").count <= 500, "image", "must be at most 500 characters")
        try validator.throwIfInvalid()
        guard let slug, let name, let price else { throw ProblemError.validation(validator.errors) }
        let product = try await products.create(
            NewProduct(
                slug: slug, name: name, description: "", price: price, stock: legacyDefaultStock, isActive: true,
                image: input.image.flatMap { $0.isEmpty ? nil : $0 }))
        cache.invalidate()
        return product
    }

    /// Applies an admin's patch. Setting `stock` outright needs `ifMatch` (the
    /// ETag the admin read): without it a stale form would put sold units back on
    /// sale. `stock_adjust` is atomic and needs none. With `ifMatch`, a product
    /// that changed since (a sale, another admin) is a 412 naming its values now.
    func update(slug: String, with patch: ProductPatch, ifMatch: String? = nil) async throws -> Product {
        var validator = Validator()
        if let name = patch.name { ProductRules.checkName(name, &validator) }
        if let description = patch.description { ProductRules.checkDescription(description, &validator) }
        if let price = patch.priceMinor { ProductRules.checkPrice(price, &validator) }
        if let currency = patch.currency { ProductRules.checkCurrency(currency, &validator) }
        if let stock = patch.stock { ProductRules.checkStock(stock, &validator) }
        if let adjust = patch.stockAdjust {
            // A range check, not `abs`: `abs(Int.min)` traps.
            validator.check(
                (-ProductRules.maxStock...ProductRules.maxStock).contains(adjust), "stock_adjust",
                "must be within ±\(ProductRules.maxStock)")
        }
        validator.check(
            patch.stock == nil || patch.stockAdjust == nil, "stock_adjust", "give either stock or stock_adjust")
        try validator.throwIfInvalid()
        if patch.stock != nil, ifMatch == nil {
            throw ProblemError(
                .preconditionRequired,
                "Setting stock needs If-Match with the product's ETag; use stock_adjust to add or remove units",
                kind: "precondition-required")
        }
        let updated = try await products.update(
            slug: slug,
            with: ProductChange(
                name: patch.name, description: patch.description, priceMinor: patch.priceMinor,
                currency: patch.currency, stock: patch.stock, stockAdjustment: patch.stockAdjust ?? 0,
                isActive: patch.isActive),
            precondition: ifMatch.map(Self.requireUnchanged))
        cache.invalidate()
        return updated
    }

    /// The ETag `GET /v1/products/{slug}` serves for `product`.
    static func etag(of product: Product) throws -> String {
        CatalogueCache.etag(for: try JSONEncoder.shop.encode(ProductResource(product)))
    }

    /// A precondition that refuses the write unless the product still has the
    /// ETag the client read.
    static func requireUnchanged(ifMatch: String) -> @Sendable (Product) throws -> Void {
        { current in
            let etag = try etag(of: current)
            guard ConditionalResponse.matchesStrongly(ifMatch, etag: etag) else {
                throw ProblemError(
                    .preconditionFailed,
                    "The product changed since you read it (a sale or another admin): it now has stock \(current.stock), "
                        + "price \(current.price.minorUnits) \(current.price.currency), name \"\(current.name)\", "
                        + (current.isActive ? "active" : "inactive") + ". Nothing was saved; read it again and retry.",
                    kind: "product-changed", headers: ["ETag": etag])
            }
        }
    }

    /// Deactivates: the product leaves the catalogue, but past orders still resolve it.
    func deactivate(slug: String) async throws {
        _ = try await products.update(slug: slug, with: ProductChange(isActive: false), precondition: nil)
        cache.invalidate()
    }

    func setImage(slug: String, bytes: Data) async throws -> Product {
        guard !bytes.isEmpty else { throw ProblemError.badRequest("The image is empty") }
        guard bytes.count <= maxImageBytes else {
            throw ProblemError(.contentTooLarge, "Images may be at most \(maxImageBytes) bytes")
        }
        guard let kind = ImageKind(sniffing: bytes) else {
            throw ProblemError(.unsupportedMediaType, "Only PNG, JPEG and WebP images are accepted")
        }
        let product = try await products.setImage(
            slug: slug,
            image: ProductImage(
                bytes: bytes, contentType: kind.rawValue, etag: CatalogueCache.etag(for: bytes), updatedAt: Date()))
        cache.invalidate()
        return product
    }
}
