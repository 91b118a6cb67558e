import Foundation

/// What the frontend remembers about a browser, carried in the encrypted cookie.
struct ShopSession: Codable, Sendable, Equatable {
    struct Flash: Codable, Sendable, Equatable {
        enum Kind: String, Codable, Sendable { case success, error, info }
        let kind: Kind
        let text: String
    }

    var accessToken: String?
    var refreshToken: String?
    var accessExpiresAt: Date?
    var userID: Int64?
    var username: String?
    var isAdmin = false
    /// Units in the cart as of the last cart change, for the header.
    var cartCount: Int?
    /// Per-session CSRF token, checked on every state-changing request.
    var csrf: String
    /// Messages shown once, on the next page rendered.
    var flashes: [Flash] = []

    static func fresh() -> ShopSession {
        ShopSession(csrf: randomToken())
    }

    var isLoggedIn: Bool { accessToken != nil }

    mutating func flash(_ kind: Flash.Kind, _ text: String) {
        flashes.append(Flash(kind: kind, text: text))
    }

    mutating func logOut() {
        self = ShopSession(csrf: ShopSession.randomToken(), flashes: flashes)
    }

    /// 192 random bits, base64url: three draws from the system generator, not one per byte.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Data(capacity: 24)
        for _ in 0..<3 { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return bytes.base64URLEncodedString()
    }
}
