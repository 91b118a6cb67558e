import ShopPlatform

/// The shape rules of account fields, shared by registration and profile edits.
enum AccountRules {
    static let usernameLength = 3...32
    static let passwordLength = 8...128
    static let maxNameLength = 100
    static let maxEmailLength = 254

    static func checkUsername(_ username: String, _ validator: inout Validator) {
        validator.check(
            usernameLength.contains(username.count), "username",
            "must be \(usernameLength.lowerBound) to \(usernameLength.upperBound) characters")
        validator.check(
            username.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "_.-".unicodeScalars.contains(scalar))
            }, "username", "may contain only letters, digits, '_', '.' and '-'")
    }

    static func checkEmail(_ email: String, _ validator: inout Validator) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let wellFormed =
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
        validator.check(wellFormed && email.count <= maxEmailLength, "email", "must be a valid email address")
    }

    static func checkPassword(_ password: String, field: String = "password", _ validator: inout Validator) {
        validator.check(
            passwordLength.contains(password.count), field,
            "must be \(passwordLength.lowerBound) to \(passwordLength.upperBound) characters")
    }

    static func checkName(_ name: String, field: String, _ validator: inout Validator) {
        validator.check(name.count <= maxNameLength, field, "must be at most \(maxNameLength) characters")
    }
}
