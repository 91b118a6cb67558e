import Configuration
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ShopPlatform

/// Wires configuration, database, keys, stores and routes into user-service.
///
/// Migrations and the first-admin bootstrap run before the server accepts
/// connections, so a ready replica always has its schema.
public func buildUserService(reader: ConfigReader, readiness: Readiness = Readiness()) async throws
    -> some ApplicationProtocol
{
    let configuration = UserServiceConfiguration(reader: reader)
    let logger = configuration.service.logger
    let faults = try configuration.service.start(usesDatabase: true) {
        $0.require(configuration.signingKeyPEM ?? configuration.signingKeyFile, "signing.key or signing.key.file")
        $0.refuseWeakPassword(configuration.adminPassword, "shop.admin.password")
    }
    SessionMetrics.publish()

    let database = try await configuration.service.openDatabase()
    let keyRing = try SigningKeyRing.load(configuration: configuration, logger: logger)
    let sessions = RefreshSessionStore(database: database, reuseGrace: configuration.refreshReuseGrace)
    let accounts = Accounts(
        users: SQLUserStore(database: database),
        sessions: sessions,
        throttle: LoginThrottle(
            database: database, maxAttempts: configuration.maxLoginFailures, window: configuration.loginLockout),
        issuer: TokenIssuer(
            signer: await keyRing.makeSigner(), keyID: keyRing.currentID, settings: configuration.tokens,
            accessLifetime: configuration.accessTokenLifetime),
        refreshLifetime: configuration.refreshTokenLifetime,
        passwords: PasswordHashing(cost: configuration.bcryptCost, capacity: configuration.maxPasswordChecks))
    let verifier = TokenVerifier(
        source: keyRing, issuer: configuration.tokens.issuer, audience: configuration.tokens.audience, logger: logger)

    // user-service honours a revocation at once: a token whose session was
    // revoked stops working here immediately (elsewhere within a poll).
    let openAPI = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
    let router = try Router.shopService(
        readiness: readiness, database: database, openAPI: openAPI, bodyLimit: configuration.service.bodyLimit,
        authenticator: TokenAuthenticator(verifier: verifier, accept: { try await accounts.isLive($0) }),
        faults: faults)
    KeySetRoutes(keyRing: keyRing).addRoutes(to: router)
    UserRoutes(accounts: accounts).addRoutes(to: router.group("v1/users"))
    SessionRoutes(accounts: accounts).addRoutes(to: router.group("v1/sessions"))
    RevocationRoutes(
        sessions: sessions, retain: max(configuration.accessTokenLifetime, configuration.legacyTokenLifetime)
    ).addRoutes(to: router.group("v1/revocations"))
    LegacyUserRoutes(accounts: accounts, legacyTokenLifetime: configuration.legacyTokenLifetime)
        .addRoutes(to: router.group("api"))

    try router.completeRoutes(document: openAPI)
    var app = configuration.service.application(router: router)
    app.addServices(database.service)
    app.beforeServerStarts {
        try await UserServiceEntry.migrate(database, logger: logger)
        if let username = configuration.adminUsername, let password = configuration.adminPassword {
            try await accounts.ensureAdmin(
                username: username, password: password, email: configuration.adminEmail, logger: logger)
        }
    }
    return app
}

/// `user-service [serve|migrate]`, shared by the thin executable and `shop serve`.
public enum UserServiceEntry: ShopServiceEntry {
    public static let descriptor = ServiceDescriptor.userService
    public static var migrations: [Migration] { UserMigrations.all }

    public static func buildApplication(reader: ConfigReader, readiness: Readiness) async throws
        -> some ApplicationProtocol
    {
        try await buildUserService(reader: reader, readiness: readiness)
    }
}
