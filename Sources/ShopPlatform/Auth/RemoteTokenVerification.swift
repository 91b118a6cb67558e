import Hummingbird
import Logging

/// How every service but user-service checks an access token: the signature
/// against user-service's published keys, and the session against the
/// revocations it polls from user-service (refused within the poll interval).
public struct RemoteTokenVerification: Sendable {
    public let authenticator: TokenAuthenticator
    let revocations: RevocationPolling

    public init(settings: TokenSettings, logger: Logger) {
        let verifier = TokenVerifier(
            source: RemoteKeySource(userServiceURL: settings.userServiceURL),
            issuer: settings.issuer, audience: settings.audience, logger: logger)
        let revoked = RevocationList()
        self.authenticator = TokenAuthenticator(verifier: verifier, refusing: revoked)
        self.revocations = RevocationPolling(
            list: revoked, userServiceURL: settings.userServiceURL, interval: settings.revocationPollInterval,
            logger: logger)
    }
}

extension Application {
    /// Runs the revocation polling with the application; the first poll happens
    /// before the server accepts connections.
    public mutating func addServices(_ verification: RemoteTokenVerification) {
        let revocations = verification.revocations
        addServices(revocations)
        beforeServerStarts { await revocations.load() }
    }
}
