import Foundation
import JWTKit

/// The claims of a Microshop access token, issued by user-service and verified
/// locally by every service.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var subject: SubjectClaim
    public var issuer: IssuerClaim
    public var audience: AudienceClaim
    public var expiration: ExpirationClaim
    public var notBefore: NotBeforeClaim
    public var issuedAt: IssuedAtClaim
    public var id: IDClaim
    public var username: String
    public var roles: [String]
    public var sessionID: String?

    enum CodingKeys: String, CodingKey {
        case subject = "sub"
        case issuer = "iss"
        case audience = "aud"
        case expiration = "exp"
        case notBefore = "nbf"
        case issuedAt = "iat"
        case id = "jti"
        case username = "preferred_username"
        case roles
        case sessionID = "sid"
    }

    public init(
        principal: Principal, issuer: String, audience: String, issuedAt: Date, lifetime: Duration
    ) {
        self.subject = .init(value: String(principal.userID))
        self.issuer = .init(value: issuer)
        self.audience = .init(value: [audience])
        self.issuedAt = .init(value: issuedAt)
        self.notBefore = .init(value: issuedAt)
        self.expiration = .init(value: issuedAt.addingTimeInterval(TimeInterval(lifetime.components.seconds)))
        self.id = .init(value: UUID().uuidString)
        self.username = principal.username
        self.roles = principal.roles.map(\.rawValue).sorted()
        self.sessionID = principal.sessionID
    }

    /// How far ahead of this replica's clock the issuer's may run: a token is
    /// usable elsewhere the moment it is issued.
    static let clockSkew: TimeInterval = 60

    /// Time-based checks; issuer and audience are checked by `TokenVerifier`
    /// against its configuration.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try expiration.verifyNotExpired()
        try notBefore.verifyNotBefore(currentDate: Date().addingTimeInterval(Self.clockSkew))
    }

    public var principal: Principal? {
        guard let userID = Int64(subject.value) else { return nil }
        return Principal(
            userID: userID, username: username, roles: Set(roles.compactMap(Principal.Role.init(rawValue:))),
            sessionID: sessionID)
    }
}
