import HummingbirdAuth

/// Who is calling, as established from a verified access token.
public struct Principal: Sendable, Equatable, RoleProviding {
    public enum Role: String, Sendable, Hashable, Codable {
        case customer, admin, service
    }

    public let userID: Int64
    public let username: String
    public let roles: Set<Role>
    /// The refresh-session family the token was issued under (revoked on logout).
    public let sessionID: String?

    public init(userID: Int64, username: String, roles: Set<Role>, sessionID: String?) {
        self.userID = userID
        self.username = username
        self.roles = roles
        self.sessionID = sessionID
    }

    public var isAdmin: Bool { roles.contains(.admin) }
}
