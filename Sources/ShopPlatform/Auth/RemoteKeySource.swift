import JWTKit

/// Reads user-service's published JWKS over HTTP.
///
/// Fetched rarely (once, then for an unknown key id), and a failed fetch makes
/// every token look invalid, so the fetch may take its time: 5 s, 3 attempts.
public struct RemoteKeySource: VerificationKeySource {
    let client: ServiceClient

    /// `timeout` is per attempt; tests on a loaded machine give more.
    public init(userServiceURL: String, timeout: Duration = .seconds(5)) {
        self.client = ServiceClient(
            baseURL: userServiceURL, target: "user-service-keys", timeout: timeout, maxAttempts: 3)
    }

    public func verificationKeys() async throws -> JWKS {
        try await client.getJSON("/.well-known/jwks.json", as: JWKS.self)
    }
}
