import Foundation
import SQLKit
import ShopPlatform

/// `ProductStore` over SQLKit; the same queries run on PostgreSQL and SQLite.
struct SQLProductStore: ProductStore {
    let database: ShopDatabase

    static let columns = SQLQueryString(
        "id, slug, name, description, price_minor, currency, stock, is_active, image, created_at, updated_at")

    func create(_ product: NewProduct) async throws -> Product {
        let now = Date()
        do {
            let row = try await database.withConnection { db in
                try await db.raw(
                    """
                    INSERT INTO products (slug, name, description, price_minor, currency, stock, is_active, image,
                        created_at, updated_at)
                    VALUES (\(bind: product.slug), \(bind: product.name), \(bind: product.description),
                        \(bind: product.price.minorUnits), \(bind: product.price.currency), \(bind: product.stock),
                        \(bind: product.isActive), \(bind: product.image), \(bind: now), \(bind: now))
                    RETURNING \(Self.columns)
                    """
                ).first()
            }
            return try Self.decode(try row.unwrap())
        } catch  where ConstraintViolation.isUnique(error) {
            throw ProblemError.conflict("A product with slug '\(product.slug)' already exists")
        }
    }

    func find(slug: String) async throws -> Product? {
        try await database.withConnection { db in
            try await db.raw("SELECT \(Self.columns) FROM products WHERE slug = \(bind: slug)").first()
        }.map(Self.decode)
    }

    func find(ids: [Int64]) async throws -> [Product] {
        guard !ids.isEmpty else { return [] }
        return try await database.withConnection { db in
            try await db.raw("SELECT \(Self.columns) FROM products WHERE id IN (\(binds: ids)) ORDER BY id").all()
        }.map(Self.decode)
    }

    func list(search: String?, after: Int64?, limit: Int, includeInactive: Bool) async throws -> [Product] {
        let active = SQLQueryString(includeInactive ? "1 = 1" : "is_active")
        return try await database.withConnection { db in
            if let search, !search.isEmpty {
                let pattern = "%" + Self.escapeLike(search.lowercased()) + "%"
                return try await db.raw(
                    """
                    SELECT \(Self.columns) FROM products
                    WHERE \(active) AND id > \(bind: after ?? 0)
                        AND (LOWER(name) LIKE \(bind: pattern) ESCAPE '\\'
                            OR LOWER(description) LIKE \(bind: pattern) ESCAPE '\\')
                    ORDER BY id LIMIT \(bind: limit)
                    """
                ).all()
            }
            return try await db.raw(
                """
                SELECT \(Self.columns) FROM products WHERE \(active) AND id > \(bind: after ?? 0)
                ORDER BY id LIMIT \(bind: limit)
                """
            ).all()
        }.map(Self.decode)
    }

    func update(
        slug: String, with change: ProductChange, precondition: (@Sendable (Product) throws -> Void)?
    ) async throws -> Product {
        do {
            return try await database.transaction { db in
                if let precondition {
                    // Locked until commit: no sale can slip in between the check and the write.
                    guard
                        let current = try await db.raw(
                            "SELECT \(Self.columns) FROM products WHERE slug = \(bind: slug)\(database.rowLock)"
                        ).first().map(Self.decode)
                    else { throw ProblemError.notFound("Cannot find product '\(slug)'") }
                    try precondition(current)
                }
                let row = try await db.raw(
                    """
                    UPDATE products SET
                        name = COALESCE(\(bind: change.name), name),
                        description = COALESCE(\(bind: change.description), description),
                        price_minor = COALESCE(\(bind: change.priceMinor), price_minor),
                        currency = COALESCE(\(bind: change.currency), currency),
                        stock = COALESCE(\(bind: change.stock), stock) + \(bind: change.stockAdjustment),
                        is_active = COALESCE(\(bind: change.isActive), is_active),
                        updated_at = \(bind: Date())
                    WHERE slug = \(bind: slug)
                        AND (NOT \(bind: change.raisesStock)
                            OR COALESCE(\(bind: change.stock), stock) + \(bind: change.stockAdjustment)
                                <= \(bind: ProductRules.maxStock))
                    RETURNING \(Self.columns)
                    """
                ).first()
                if let row { return try Self.decode(row) }
                // Either no such product, or raising its stock would pass the cap.
                guard try await db.raw("SELECT id FROM products WHERE slug = \(bind: slug)").first() != nil else {
                    throw ProblemError.notFound("Cannot find product '\(slug)'")
                }
                throw ProblemError.conflict("Stock cannot exceed \(ProductRules.maxStock)")
            }
        } catch  where ConstraintViolation.isCheck(error) {
            throw ProblemError.conflict("Stock cannot go below zero")
        }
    }

    func setImage(slug: String, image: ProductImage) async throws -> Product {
        try await database.transaction { db in
            guard
                let row = try await db.raw(
                    """
                    UPDATE products SET image = \(bind: image.url(slug: slug)), updated_at = \(bind: image.updatedAt)
                    WHERE slug = \(bind: slug) RETURNING \(Self.columns)
                    """
                ).first()
            else { throw ProblemError.notFound("Cannot find product '\(slug)'") }
            let product = try Self.decode(row)
            try await db.raw("DELETE FROM product_images WHERE product_id = \(bind: product.id)").run()
            try await db.raw(
                """
                INSERT INTO product_images (product_id, content_type, etag, bytes, updated_at)
                VALUES (\(bind: product.id), \(bind: image.contentType), \(bind: image.etag), \(bind: image.bytes),
                    \(bind: image.updatedAt))
                """
            ).run()
            return product
        }
    }

    func image(slug: String, includeInactive: Bool) async throws -> ProductImage? {
        try await database.withConnection { db in
            try await db.raw(
                """
                SELECT i.content_type, i.etag, i.bytes, i.updated_at FROM product_images i
                JOIN products p ON p.id = i.product_id
                WHERE p.slug = \(bind: slug) AND (p.is_active = \(bind: true) OR \(bind: includeInactive))
                """
            ).first()
        }.map { row in
            ProductImage(
                bytes: try row.decode(column: "bytes", as: Data.self),
                contentType: try row.decode(column: "content_type", as: String.self),
                etag: try row.decode(column: "etag", as: String.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    func count() async throws -> Int {
        try await database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM products").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// `%`, `_` and `\` match literally in a search.
    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func decode(_ row: any SQLRow) throws -> Product {
        Product(
            id: try row.decode(column: "id", as: Int64.self),
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            price: Money(
                minorUnits: try row.decode(column: "price_minor", as: Int64.self),
                currency: try row.decode(column: "currency", as: String.self)),
            stock: try row.decode(column: "stock", as: Int.self),
            isActive: try row.decode(column: "is_active", as: Bool.self),
            image: try row.decode(column: "image", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}

extension Optional {
    /// For rows a `RETURNING` must produce.
    func unwrap() throws -> Wrapped {
        guard let self else { throw ProblemError(.internalServerError, "a write returned no row") }
        return self
    }
}
