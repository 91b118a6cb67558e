import Foundation
import Hummingbird

/// What login and refresh return: a short-lived access token and the refresh
/// token that replaces it. The refresh token is shown once and stored hashed.
struct SessionResource: ResponseCodable {
    let accessToken: String
    let tokenType: String
    let expiresIn: Int
    let expiresAt: Date
    let refreshToken: String
    let refreshExpiresAt: Date
    let user: UserResource

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case expiresAt = "expires_at"
        case refreshToken = "refresh_token"
        case refreshExpiresAt = "refresh_expires_at"
        case user
    }
}
