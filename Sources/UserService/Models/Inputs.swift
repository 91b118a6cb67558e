/// Request bodies. Every field is optional so that a missing one becomes a 422
/// naming the field rather than a decoding failure; `Accounts` validates them.
struct RegistrationInput: Decodable, Sendable {
    var username: String?
    var email: String?
    var password: String?
    var firstName: String?
    var lastName: String?

    enum CodingKeys: String, CodingKey {
        case username, email, password
        case firstName = "first_name"
        case lastName = "last_name"
    }
}

struct LoginInput: Decodable, Sendable {
    var username: String?
    var password: String?
}

struct RefreshInput: Decodable, Sendable {
    var refreshToken: String?

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}

struct ProfileUpdateInput: Decodable, Sendable {
    var email: String?
    var firstName: String?
    var lastName: String?
    var password: String?
    var currentPassword: String?

    enum CodingKeys: String, CodingKey {
        case email, password
        case firstName = "first_name"
        case lastName = "last_name"
        case currentPassword = "current_password"
    }
}

struct AccountAdminInput: Decodable, Sendable {
    var isAdmin: Bool?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case isAdmin = "is_admin"
        case isActive = "is_active"
    }
}
