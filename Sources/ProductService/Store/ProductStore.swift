import Foundation
import ShopPlatform

/// Persistence of the catalogue. `SQLProductStore` implements it on PostgreSQL and SQLite.
protocol ProductStore: Sendable {
    /// Throws 409 when the slug is taken.
    func create(_ product: NewProduct) async throws -> Product
    func find(slug: String) async throws -> Product?
    /// Active or not: old orders must keep resolving.
    func find(ids: [Int64]) async throws -> [Product]
    /// Products in id order after the cursor (active ones unless `includeInactive`);
    /// `search` matches name or description.
    func list(search: String?, after: Int64?, limit: Int, includeInactive: Bool) async throws -> [Product]
    /// Applies the present fields of `change`; a stock adjustment is atomic and
    /// throws 409 rather than take stock below zero or past the cap. When given,
    /// `precondition` sees the row as it is, locked against concurrent writes, and
    /// throws to refuse the change (optimistic concurrency, `If-Match`).
    func update(
        slug: String, with change: ProductChange, precondition: (@Sendable (Product) throws -> Void)?
    ) async throws -> Product
    func setImage(slug: String, image: ProductImage) async throws -> Product
    /// A product's picture; an inactive product's only with `includeInactive` (admins).
    func image(slug: String, includeInactive: Bool) async throws -> ProductImage?
    func count() async throws -> Int
}

/// A validated partial update.
struct ProductChange: Sendable {
    var name: String?
    var description: String?
    /// Price and currency each on their own: a change of one never writes back
    /// a stale copy of the other.
    var priceMinor: Int64?
    var currency: String?
    var stock: Int?
    var stockAdjustment: Int = 0
    var isActive: Bool?

    /// Only a change that raises stock is held to the cap: releases may leave a
    /// product above it, and it must stay editable (and deactivatable) there.
    var raisesStock: Bool { stock != nil || stockAdjustment > 0 }
}

/// Image bytes as uploaded, with the type sniffed from them.
struct ProductImage: Sendable {
    let bytes: Data
    let contentType: String
    let etag: String
    let updatedAt: Date

    /// Names the bytes as well as the product, so a new picture has a new
    /// address and the old one may be cached for good (`ImageRoutes`).
    var version: String { etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }

    func url(slug: String) -> String { "/v1/products/\(slug)/image?v=\(version)" }
}
