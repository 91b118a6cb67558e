import Hummingbird
import ShopPlatform

/// The training shop's USER JSON. `api_key` is the caller's own token where the
/// original returned it (login, `GET /api/user`) and null everywhere else; it is
/// never another user's secret.
struct LegacyUser: Encodable, Sendable {
    let id: Int64
    let username: String
    let email: String
    let firstName: String
    let lastName: String
    let isActive: Bool
    let isAdmin: Bool
    @NullEncoded var apiKey: String?

    init(_ user: User, apiKey: String? = nil) {
        self.id = user.id
        self.username = user.username
        self.email = user.email
        self.firstName = user.firstName
        self.lastName = user.lastName
        self.isActive = user.isActive
        self.isAdmin = user.isAdmin
        self.apiKey = apiKey
    }

    enum CodingKeys: String, CodingKey {
        case id, username, email
        case firstName = "first_name"
        case lastName = "last_name"
        case isActive = "is_active"
        case isAdmin = "is_admin"
        case apiKey = "api_key"
    }
}

/// The training shop's `{"message": ..., "result": ...}` envelopes.
struct LegacyMessage: ResponseEncodable {
    let message: String
}

struct LegacyResult<Value: Encodable & Sendable>: ResponseEncodable {
    var message: String?
    let result: Value
}

struct LegacyLogin: ResponseEncodable {
    let message: String
    let apiKey: String

    enum CodingKeys: String, CodingKey {
        case message
        case apiKey = "api_key"
    }
}
