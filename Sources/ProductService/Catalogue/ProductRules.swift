import Foundation
import ShopPlatform

/// Shape rules for catalogue fields, shared by `/v1` and the `/api` adapter.
enum ProductRules {
    static let maxNameLength = 200
    static let maxDescriptionLength = 5000
    static let maxSlugLength = 100
    static let maxStock = 1_000_000
    static let maxPriceMinor: Int64 = 100_000_000_00

    /// Lower-case letters, digits and single hyphens: safe in URLs and paths.
    static func checkSlug(_ slug: String, _ validator: inout Validator) {
        let valid =
            (1...maxSlugLength).contains(slug.count)
            && slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
        validator.check(valid, "slug", "must be 1 to \(maxSlugLength) lower-case letters, digits and single hyphens")
        validator.check(!reservedSlugs.contains(slug), "slug", "is a reserved word")
    }

    /// Slugs a route already answers for: `/api/product/create` (the training
    /// shop's) and the storefront's `/admin/products/new`.
    static let reservedSlugs: Set = ["create", "new"]

    /// Bounded in bytes as well as characters: one visible character may carry
    /// thousands of combining marks.
    static func checkName(_ name: String, _ validator: inout Validator) {
        validator.check(
            !name.trimmingCharacters(in: .whitespaces).isEmpty && name.count <= maxNameLength
                && name.utf8.count <= 4 * maxNameLength, "name",
            "must be 1 to \(maxNameLength) characters")
        validator.check(!name.contains(where: \.isNewline) && !name.contains("\t"), "name", "must be one line")
    }

    static func checkDescription(_ description: String, _ validator: inout Validator) {
        validator.check(
            description.count <= maxDescriptionLength && description.utf8.count <= 4 * maxDescriptionLength,
            "description", "must be at most \(maxDescriptionLength) characters")
    }

    static func checkPrice(_ minor: Int64, _ validator: inout Validator, field: String = "price_minor") {
        validator.check((0...maxPriceMinor).contains(minor), field, "must be between 0 and \(maxPriceMinor)")
    }

    static func checkCurrency(_ currency: String, _ validator: inout Validator) {
        validator.check(Money.isCurrencyCode(currency), "currency", "must be a three-letter ISO 4217 code")
    }

    static func checkStock(_ stock: Int, _ validator: inout Validator, field: String = "stock") {
        validator.check((0...maxStock).contains(stock), field, "must be between 0 and \(maxStock)")
    }
}
