import Configuration
import NIOCore
import ShopPlatform

/// Everything user-service reads from configuration (see README's table).
public struct UserServiceConfiguration: Sendable {
    public var service: ServiceConfiguration
    public var tokens: TokenSettings
    public var accessTokenLifetime: Duration
    /// Lifetime of the `api_key` handed out by the training shop's `/api/user/login`:
    /// its frontend keeps one key for the whole visit and cannot refresh.
    public var legacyTokenLifetime: Duration
    public var refreshTokenLifetime: Duration
    /// How long after its first use a refresh token may be used once more
    /// (two tabs refreshing together) without counting as theft.
    public var refreshReuseGrace: Duration
    public var signingKeyPEM: String?
    public var signingKeyFile: String?
    public var previousSigningKeyFile: String?
    public var adminUsername: String?
    public var adminPassword: String?
    public var adminEmail: String
    public var bcryptCost: UInt8
    /// bcrypt checks running or waiting at most; more are refused with 503.
    public var maxPasswordChecks: Int
    public var maxLoginFailures: Int
    public var loginLockout: Duration

    public init(reader: ConfigReader) {
        self.service = ServiceConfiguration(reader: reader, service: .userService)
        self.tokens = TokenSettings(reader: reader)
        self.accessTokenLifetime = .seconds(reader.int(forKey: "token.ttl", default: 900))
        self.legacyTokenLifetime = .seconds(reader.int(forKey: "token.legacy.ttl", default: 8 * 3600))
        self.refreshTokenLifetime = .seconds(reader.int(forKey: "refresh.ttl", default: 30 * 24 * 3600))
        self.refreshReuseGrace = .seconds(max(0, reader.int(forKey: "refresh.reuse.grace.seconds", default: 10)))
        self.signingKeyPEM = reader.string(forKey: "signing.key", isSecret: true)
        self.signingKeyFile = reader.string(forKey: "signing.key.file")
        self.previousSigningKeyFile = reader.string(forKey: "signing.key.previous.file")
        self.adminUsername = reader.string(forKey: "shop.admin.username")
        self.adminPassword = reader.string(forKey: "shop.admin.password", isSecret: true)
        self.adminEmail = reader.string(forKey: "shop.admin.email", default: "admin@microshop.local")
        self.bcryptCost = UInt8(clamping: min(max(reader.int(forKey: "bcrypt.cost", default: 12), 4), 31))
        self.maxPasswordChecks = reader.int(forKey: "password.checks.max", default: 16 * System.coreCount)
        self.maxLoginFailures = reader.int(forKey: "login.max.failures", default: 5)
        self.loginLockout = .seconds(reader.int(forKey: "login.lockout.seconds", default: 60))
    }
}
