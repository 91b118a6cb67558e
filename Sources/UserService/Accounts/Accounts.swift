import Foundation
import HummingbirdBcrypt
import Logging
import ShopPlatform

/// What user-service does, independent of which API asked: `/v1` routes and the
/// training shop's `/api` adapter both call these.
struct Accounts: Sendable {
    let users: any UserStore
    let sessions: RefreshSessionStore
    let throttle: LoginThrottle
    let issuer: TokenIssuer
    let refreshLifetime: Duration
    let passwords: PasswordHashing
    /// Checked when the username is unknown, so that answer takes as long as a
    /// wrong password and response time does not reveal which accounts exist.
    let decoyHash: String

    init(
        users: any UserStore, sessions: RefreshSessionStore, throttle: LoginThrottle, issuer: TokenIssuer,
        refreshLifetime: Duration, passwords: PasswordHashing
    ) {
        self.users = users
        self.sessions = sessions
        self.throttle = throttle
        self.issuer = issuer
        self.refreshLifetime = refreshLifetime
        self.passwords = passwords
        self.decoyHash = Bcrypt.hash(UUID().uuidString, cost: passwords.cost)
    }

    // MARK: Registration and profile

    func register(_ input: RegistrationInput, asAdmin: Bool = false) async throws -> User {
        var validator = Validator()
        let username = validator.require(input.username?.trimmingCharacters(in: .whitespaces), "username")
        let email = validator.require(input.email?.trimmingCharacters(in: .whitespaces), "email")
        let password = validator.require(input.password, "password")
        if let username { AccountRules.checkUsername(username, &validator) }
        if let email { AccountRules.checkEmail(email, &validator) }
        if let password { AccountRules.checkPassword(password, &validator) }
        AccountRules.checkName(input.firstName ?? "", field: "first_name", &validator)
        AccountRules.checkName(input.lastName ?? "", field: "last_name", &validator)
        try validator.throwIfInvalid()
        guard let username, let email, let password else { throw ProblemError.validation(validator.errors) }
        return try await users.create(
            NewUser(
                username: username, email: email, firstName: input.firstName ?? "", lastName: input.lastName ?? "",
                passwordHash: try await passwords.withPlace { try await $0.hash(password) }, isAdmin: asAdmin))
    }

    /// Updates the caller's own profile. A new password ends every other session
    /// of the account (`session` is the caller's, which carries on). Only the
    /// fields given are written: anything changed since `user` was read stays.
    func updateProfile(of user: User, with input: ProfileUpdateInput, session: String?) async throws -> User {
        var validator = Validator()
        let email = input.email?.trimmingCharacters(in: .whitespaces)
        if let email { AccountRules.checkEmail(email, &validator) }
        if let firstName = input.firstName { AccountRules.checkName(firstName, field: "first_name", &validator) }
        if let lastName = input.lastName { AccountRules.checkName(lastName, field: "last_name", &validator) }
        if let password = input.password {
            AccountRules.checkPassword(password, &validator)
            validator.require(input.currentPassword, "current_password")
        }
        try validator.throwIfInvalid()
        var passwordHash: String?
        if let password = input.password, let current = input.currentPassword {
            passwordHash = try await passwords.withPlace { place in
                // The current password is a password guess like a login: the same limit applies.
                if let retryAfter = try await throttle.claimAttempt(username: user.username) {
                    throw Self.throttled(retryAfter: retryAfter)
                }
                guard try await isPassword(current, of: user, in: place) else {
                    throw ProblemError.validation([.init(field: "current_password", message: "is not correct")])
                }
                return try await place.hash(password)
            }
            try await throttle.clear(username: user.username)
        }
        return try await users.updateProfile(
            id: user.id, email: email, firstName: input.firstName, lastName: input.lastName,
            passwordHash: passwordHash, keepingSession: session)
    }

    /// An admin grants or revokes admin, or (de)activates an account. Admins cannot
    /// demote or deactivate themselves, and nobody can the last active admin
    /// (`setRights`), so the shop always keeps one.
    /// Taking a right away (admin, or the account itself) ends the account's
    /// sessions in the same transaction, so no token issued with that right is
    /// honoured anywhere.
    func administer(userID: Int64, by admin: Principal, with input: AccountAdminInput) async throws -> User {
        if userID == admin.userID, input.isAdmin == false || input.isActive == false {
            throw ProblemError.conflict("Admins cannot remove their own admin role or deactivate themselves")
        }
        return try await users.setRights(id: userID, isAdmin: input.isAdmin, isActive: input.isActive)
    }

    /// Creates the configured first admin when no account has that username yet.
    func ensureAdmin(username: String, password: String, email: String, logger: Logger) async throws {
        if let existing = try await users.find(username: username) {
            if !existing.isAdmin {
                logger.warning("configured admin exists but is not an admin", metadata: ["username": "\(username)"])
            }
            return
        }
        _ = try await register(RegistrationInput(username: username, email: email, password: password), asAdmin: true)
        logger.notice("created first admin", metadata: ["username": "\(username)"])
    }

    // MARK: Sessions

    /// Checks credentials. Unknown user and wrong password fail identically.
    ///
    /// The attempt is claimed from the throttle before bcrypt runs, so parallel
    /// guesses cannot outrun the limit; a name no account can have is refused
    /// before either.
    func authenticate(username: String?, password: String?) async throws -> User {
        var validator = Validator()
        // Trimmed as at sign-up, so the name someone typed twice finds their account.
        let username = validator.require(
            username.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }, "username")
        let password = validator.require(password.flatMap { $0.isEmpty ? nil : $0 }, "password")
        if let username {
            validator.check(AccountRules.isPlausibleUsername(username), "username", "is too long")
        }
        try validator.throwIfInvalid()
        guard let username, let password else { throw ProblemError.validation(validator.errors) }
        let (user, matches) = try await passwords.withPlace { place in
            if let retryAfter = try await throttle.claimAttempt(username: username) {
                SessionMetrics.logins.increment(.throttled)
                throw Self.throttled(retryAfter: retryAfter)
            }
            let user = try await users.find(username: username)
            return (user, try await isPassword(password, of: user, in: place))
        }
        guard let user, matches, user.isActive else {
            SessionMetrics.logins.increment(.failure)
            throw ProblemError.unauthorized("Invalid username or password")
        }
        try await throttle.clear(username: username)
        SessionMetrics.logins.increment(.success)
        return user
    }

    /// Starts a refresh family for `user` (as `authenticate` read it) and returns
    /// its first token pair.
    ///
    /// The account is read again after the session is stored, and the token is
    /// made from that reading, which waits for a change of the account in
    /// progress (`settled`). A password change, demotion or deactivation
    /// either committed before that read (seen here: refused, or a token
    /// without the right) or had not yet written the account, so its
    /// revocation, later in the same transaction, finds this session. A login
    /// in the middle of one can therefore not come out with a session nobody
    /// revokes.
    func startSession(for user: User, accessLifetime: Duration? = nil) async throws -> SessionResource {
        let familyID = UUID().uuidString
        let refreshToken = TokenIssuer.newRefreshToken()
        let refreshExpiresAt = Date().addingTimeInterval(TimeInterval(refreshLifetime.components.seconds))
        try await sessions.create(
            userID: user.id, familyID: familyID, tokenHash: TokenIssuer.hash(refreshToken: refreshToken),
            expiresAt: refreshExpiresAt)
        guard let current = try await users.settled(id: user.id), current.isActive,
            current.passwordHash == user.passwordHash
        else {
            try await sessions.revokeFamily(familyID)
            throw ProblemError.unauthorized("Invalid username or password")
        }
        return try await sessionResource(
            user: current, familyID: familyID, refreshToken: refreshToken, refreshExpiresAt: refreshExpiresAt,
            accessLifetime: accessLifetime)
    }

    func refresh(_ input: RefreshInput) async throws -> SessionResource {
        guard let presented = input.refreshToken, !presented.isEmpty else {
            throw ProblemError.validation([.init(field: "refresh_token", message: "is required")])
        }
        let next = TokenIssuer.newRefreshToken()
        let nextExpiresAt = Date().addingTimeInterval(TimeInterval(refreshLifetime.components.seconds))
        let outcome = try await sessions.rotate(
            tokenHash: TokenIssuer.hash(refreshToken: presented), newTokenHash: TokenIssuer.hash(refreshToken: next),
            newExpiresAt: nextExpiresAt)
        switch outcome {
        case .invalid:
            SessionMetrics.refreshes.increment(.invalid)
            throw ProblemError.unauthorized("Refresh token is invalid or expired")
        case .reused:
            SessionMetrics.refreshes.increment(.reused)
            throw ProblemError.unauthorized("Refresh token was already used; the session has been revoked")
        case .rotated(let userID, let familyID), .repeated(let userID, let familyID):
            if case .repeated = outcome {
                SessionMetrics.refreshes.increment(.repeated)
            } else {
                SessionMetrics.refreshes.increment(.rotated)
            }
            guard let user = try await users.find(id: userID), user.isActive else {
                try await sessions.revokeFamily(familyID)
                throw ProblemError.unauthorized("Account is not active")
            }
            return try await sessionResource(
                user: user, familyID: familyID, refreshToken: next, refreshExpiresAt: nextExpiresAt,
                accessLifetime: nil)
        }
    }

    func logout(_ principal: Principal) async throws {
        if let familyID = principal.sessionID { try await sessions.revokeFamily(familyID) }
    }

    /// Ends the session a refresh token belongs to, whether or not its access
    /// token is still valid. Unknown tokens are ignored: the answer does not
    /// tell whether a token existed.
    func revoke(_ input: RefreshInput) async throws {
        guard let presented = input.refreshToken, !presented.isEmpty else {
            throw ProblemError.validation([.init(field: "refresh_token", message: "is required")])
        }
        try await sessions.revokeFamily(holding: TokenIssuer.hash(refreshToken: presented))
    }

    /// Whether an access token should still be honoured here: its session was not
    /// revoked and its account is active.
    func isLive(_ claims: AccessTokenClaims) async throws -> Bool {
        guard let familyID = claims.sessionID, let principal = claims.principal else { return false }
        return try await sessions.isLive(familyID: familyID, userID: principal.userID)
    }

    func user(for principal: Principal) async throws -> User {
        guard let user = try await users.find(id: principal.userID) else { throw ProblemError.unauthorized() }
        return user
    }

    // MARK: Helpers

    private static func throttled(retryAfter: Int) -> ProblemError {
        ProblemError(
            .tooManyRequests, "Too many failed logins; try again in \(retryAfter) seconds",
            retryAfter: retryAfter)
    }

    private func sessionResource(
        user: User, familyID: String, refreshToken: String, refreshExpiresAt: Date, accessLifetime: Duration?
    ) async throws -> SessionResource {
        let access = try await issuer.accessToken(for: user, sessionID: familyID, lifetime: accessLifetime)
        return SessionResource(
            accessToken: access.token, tokenType: "Bearer",
            expiresIn: max(0, Int(access.expiresAt.timeIntervalSinceNow.rounded())), expiresAt: access.expiresAt,
            refreshToken: refreshToken, refreshExpiresAt: refreshExpiresAt, user: UserResource(user))
    }

    /// Whether `password` is `user`'s, at the cost of one bcrypt whatever the
    /// answer (an unknown user is checked against the decoy), so timing says
    /// nothing. bcrypt reads 72 bytes: a longer password cannot be that of an
    /// account whose hash covers its whole password (every account since
    /// passwords were limited to 72 bytes); older accounts, set when 128
    /// characters were allowed, are compared as bcrypt always compared them.
    private func isPassword(_ password: String, of user: User?, in place: PasswordHashing.Place) async throws -> Bool {
        let comparable = AccountRules.isWithinPasswordBytes(password) || user?.passwordFitsBcrypt == false
        let matches = try await place.verify(
            password, hash: comparable ? user?.passwordHash ?? decoyHash : decoyHash)
        return matches && comparable && user != nil
    }
}
