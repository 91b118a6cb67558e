import Configuration

/// How access tokens are recognised, shared by the issuer and every verifier.
public struct TokenSettings: Sendable {
    public var issuer: String
    public var audience: String
    /// Where verifiers fetch `/.well-known/jwks.json`.
    public var userServiceURL: String
    /// How often services other than user-service read its revocations: an
    /// ended session is honoured there at most this long (plus one round trip).
    public var revocationPollInterval: Duration

    public init(reader: ConfigReader) {
        self.issuer = reader.string(forKey: "token.issuer", default: "microshop-user-service")
        self.audience = reader.string(forKey: "token.audience", default: "microshop")
        self.userServiceURL = ServiceDescriptor.userService.url(from: reader)
        self.revocationPollInterval = .milliseconds(max(50, reader.int(forKey: "revocation.poll.ms", default: 2000)))
    }
}
