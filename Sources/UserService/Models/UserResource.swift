import Foundation
import Hummingbird
import ShopPlatform

/// A user as `/v1` shows it: never a secret.
struct UserResource: ResponseCodable, Equatable {
    let id: Int64
    let username: String
    let email: String
    let firstName: String
    let lastName: String
    let isAdmin: Bool
    let isActive: Bool
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, username, email
        case firstName = "first_name"
        case lastName = "last_name"
        case isAdmin = "is_admin"
        case isActive = "is_active"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ user: User) {
        self.id = user.id
        self.username = user.username
        self.email = user.email
        self.firstName = user.firstName
        self.lastName = user.lastName
        self.isAdmin = user.isAdmin
        self.isActive = user.isActive
        self.createdAt = user.createdAt
        self.updatedAt = user.updatedAt
    }
}

/// One page of users; pass `next_cursor` back as `cursor` for the next page.
struct UserPage: ResponseEncodable {
    let items: [UserResource]
    @NullEncoded var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}
