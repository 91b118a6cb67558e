import Foundation

/// A shop account as stored. `passwordHash` never leaves the service.
struct User: Sendable, Equatable {
    let id: Int64
    var username: String
    var email: String
    var firstName: String
    var lastName: String
    var passwordHash: String
    /// Whether the password behind `passwordHash` was at most 72 bytes, so the
    /// hash covers all of it (every hash made since that rule). Older accounts
    /// may have longer passwords, of which bcrypt kept the first 72 bytes.
    var passwordFitsBcrypt: Bool
    var isAdmin: Bool
    var isActive: Bool
    let createdAt: Date
    var updatedAt: Date
}

/// The fields a new account is created with, already validated.
struct NewUser: Sendable {
    var username: String
    var email: String
    var firstName: String
    var lastName: String
    var passwordHash: String
    var isAdmin: Bool
}
