/// `shop.mode` (`SHOP_MODE`): `development` (the default) or `production`; any
/// other value is taken as production.
///
/// A local run may generate its signing and session keys into the data folder,
/// but replicas that each generate their own disagree (tokens and cookies from one
/// are refused by the next). In production every secret must be configured, and
/// none may be a well-known default: a service that finds otherwise refuses to
/// start, naming each problem, instead of running insecurely.
public struct ProductionMode: Sendable {
    public let isOn: Bool
    private var problems: [String] = []

    /// Starts the checks every service shares: fault injection is refused.
    public init(isOn: Bool, faults: Faults = .none) {
        self.isOn = isOn
        refuseFaults(faults)
    }

    /// Passwords seen in examples and tutorials, refused in production.
    static let wellKnownPasswords: Set<String> = [
        "admin", "password", "changeme", "change-me", "secret", "admin-password", "admin-password-1", "microshop",
        "password123", "12345678", "123456789", "qwertyuiop",
    ]

    /// Records a problem when a secret is missing.
    public mutating func require(_ value: String?, _ key: String) {
        if value?.isEmpty ?? true { problems.append("\(key) is not set") }
    }

    /// A shared secret (a service credential) must also be too long to guess.
    public mutating func requireSecret(_ value: String?, _ key: String, minimumLength: Int = 32) {
        guard let value, !value.isEmpty else { return problems.append("\(key) is not set") }
        if value.count < minimumLength { problems.append("\(key) is shorter than \(minimumLength) characters") }
    }

    /// A configured password must not be short or well known.
    public mutating func refuseWeakPassword(_ value: String?, _ key: String) {
        guard let value else { return }
        if value.count < 12 || Self.wellKnownPasswords.contains(value.lowercased()) {
            problems.append("\(key) is a default or shorter than 12 characters")
        }
    }

    /// Fault injection is for tests and rehearsals, never for customers.
    public mutating func refuseFaults(_ faults: Faults) {
        if !faults.isEmpty { problems.append("faults is set (fault injection is refused in production)") }
    }

    /// Throws when production mode is on and anything was recorded.
    public func check(service: String) throws {
        guard isOn, !problems.isEmpty else { return }
        throw Refusal(service: service, problems: problems)
    }

    public struct Refusal: Error, CustomStringConvertible {
        public let service: String
        public let problems: [String]
        public var description: String {
            "\(service) refuses to start in production mode (shop.mode is not development): "
                + problems.joined(separator: "; ")
        }
    }
}
