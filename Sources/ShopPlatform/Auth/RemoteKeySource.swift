import JWTKit

/// Reads user-service's published JWKS over HTTP.
public struct RemoteKeySource: VerificationKeySource {
    let client: ServiceClient

    public init(userServiceURL: String) {
        self.client = ServiceClient(baseURL: userServiceURL, timeout: .seconds(2), maxAttempts: 2)
    }

    public func verificationKeys() async throws -> JWKS {
        try await client.getJSON("/.well-known/jwks.json", as: JWKS.self)
    }
}
