import Foundation

/// The parts of user-service's and order-service's `/v1` documents the pages show.
struct CartDoc: Codable, Sendable {
    struct Item: Codable, Sendable {
        let productID: Int64
        let quantity: Int
        let slug: String?
        let name: String?
        let unitPriceMinor: Int64?
        let lineTotalMinor: Int64?
        let available: Bool?
        let stock: Int?

        enum CodingKeys: String, CodingKey {
            case quantity, slug, name, available, stock
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
            case lineTotalMinor = "line_total_minor"
        }
    }

    let items: [Item]
    let itemCount: Int
    let subtotalMinor: Int64?
    let currency: String
    let catalogueAvailable: Bool

    enum CodingKeys: String, CodingKey {
        case items, currency
        case itemCount = "item_count"
        case subtotalMinor = "subtotal_minor"
        case catalogueAvailable = "catalogue_available"
    }
}

struct OrderDoc: Codable, Sendable {
    struct Item: Codable, Sendable {
        let productID: Int64
        let quantity: Int
        let name: String?
        let unitPriceMinor: Int64?
        let lineTotalMinor: Int64?

        enum CodingKeys: String, CodingKey {
            case quantity, name
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
            case lineTotalMinor = "line_total_minor"
        }
    }

    let id: Int64
    let number: String
    let userID: Int64
    let status: String
    let currency: String?
    let totalMinor: Int64?
    let items: [Item]
    let createdAt: Date
    let placedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, number, status, currency, items
        case userID = "user_id"
        case totalMinor = "total_minor"
        case createdAt = "created_at"
        case placedAt = "placed_at"
    }
}

struct OrderPageDoc: Codable, Sendable {
    let items: [OrderDoc]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

struct SessionDoc: Codable, Sendable {
    struct User: Codable, Sendable {
        let id: Int64
        let username: String
        let isAdmin: Bool

        enum CodingKeys: String, CodingKey {
            case id, username
            case isAdmin = "is_admin"
        }
    }

    let accessToken: String
    let refreshToken: String
    let expiresAt: Date
    let user: User

    enum CodingKeys: String, CodingKey {
        case user
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case expiresAt = "expires_at"
    }
}

/// A backend's problem document, for messages shown next to fields.
struct ProblemDoc: Codable, Sendable {
    struct FieldError: Codable, Sendable {
        let field: String
        let message: String
    }

    let detail: String?
    let errors: [FieldError]?
}
