import Foundation

/// A shop account as stored. `passwordHash` never leaves the service.
struct User: Sendable, Equatable {
    let id: Int64
    var username: String
    var email: String
    var firstName: String
    var lastName: String
    var passwordHash: String
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
