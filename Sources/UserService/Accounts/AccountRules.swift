import ShopPlatform

/// The shape rules of account fields, shared by registration, profile edits and
/// login. Every field is bounded in UTF-8 bytes as well as in characters, so one
/// visible character carrying thousands of combining marks is still refused, and
/// nothing unbounded is hashed, compared or stored. (Control characters never get
/// this far: `InputText` refuses them for every request.)
enum AccountRules {
    static let usernameLength = 3...32
    /// bcrypt reads at most 72 bytes, so a longer password would be compared on
    /// its first 72 only: refused instead of silently shortened.
    static let passwordCharacters = 8
    static let passwordBytes = 72
    static let maxNameLength = 100
    static let maxNameBytes = 400
    static let maxEmailLength = 254

    static func checkUsername(_ username: String, _ validator: inout Validator) {
        validator.check(
            usernameLength.contains(username.utf8.count), "username",
            "must be \(usernameLength.lowerBound) to \(usernameLength.upperBound) characters")
        validator.check(
            username.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "_.-".unicodeScalars.contains(scalar))
            }, "username", "may contain only letters, digits, '_', '.' and '-'")
    }

    /// Whether a login name could belong to an account at all; anything else is
    /// refused before the throttle or bcrypt spend a thing on it.
    static func isPlausibleUsername(_ username: String) -> Bool {
        username.utf8.count <= usernameLength.upperBound
    }

    static func checkEmail(_ email: String, _ validator: inout Validator) {
        guard email.utf8.count <= maxEmailLength else {
            validator.check(false, "email", "must be a valid email address of at most \(maxEmailLength) bytes")
            return
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let wellFormed =
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
        validator.check(wellFormed, "email", "must be a valid email address")
    }

    static func checkPassword(_ password: String, field: String = "password", _ validator: inout Validator) {
        validator.check(
            password.count >= passwordCharacters && isWithinPasswordBytes(password), field,
            "must be at least \(passwordCharacters) characters and at most \(passwordBytes) bytes of UTF-8")
    }

    static func isWithinPasswordBytes(_ password: String) -> Bool {
        password.utf8.count <= passwordBytes
    }

    static func checkName(_ name: String, field: String, _ validator: inout Validator) {
        guard name.utf8.count <= maxNameBytes, name.count <= maxNameLength else {
            validator.check(false, field, "must be at most \(maxNameLength) characters (\(maxNameBytes) bytes)")
            return
        }
        validator.check(!name.contains(where: \.isNewline) && !name.contains("\t"), field, "must be one line")
    }
}
