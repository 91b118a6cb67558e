import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

/// Tokens that must not be honoured: forged, expired, not yet valid, unknown
/// key, `alg: none`, wrong issuer or audience.
@Suite("Token security")
struct TokenSecurityTests {
    static func claims(
        userID: Int64, username: String, roles: Set<Principal.Role> = [.customer], sessionID: String?,
        issuer: String = "microshop-user-service", audience: String = "microshop",
        issuedAt: Date = Date(), lifetime: Duration = .seconds(600)
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            principal: Principal(userID: userID, username: username, roles: roles, sessionID: sessionID),
            issuer: issuer, audience: audience, issuedAt: issuedAt, lifetime: lifetime)
    }

    @Test(arguments: TestBackend.available)
    func onlyGenuineCurrentTokensAreAccepted(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, harness in
            let user = try await client.register("wendy")
            let userID = Int64(try #require(user["id"] as? Int))
            let genuine = try await client.accessToken("wendy")
            let claims = try await JWTKeyCollection().unverified(genuine, as: AccessTokenClaims.self)
            let sessionID = claims.sessionID
            #expect(try await client.get("/v1/users/me", token: genuine).status == .ok)

            // Re-signed with our own key: accepted (proves the harness signs like the service)...
            let resigned = try await harness.sign(Self.claims(userID: userID, username: "wendy", sessionID: sessionID))
            #expect(try await client.get("/v1/users/me", token: resigned).status == .ok)

            var rejected: [String: String] = [:]
            rejected["forged"] = try await harness.sign(
                Self.claims(userID: userID, username: "wendy", roles: [.customer, .admin], sessionID: sessionID),
                with: ES256PrivateKey())
            rejected["expired"] = try await harness.sign(
                Self.claims(
                    userID: userID, username: "wendy", sessionID: sessionID, issuedAt: Date().addingTimeInterval(-3600),
                    lifetime: .seconds(60)))
            rejected["not yet valid"] = try await harness.sign(
                Self.claims(
                    userID: userID, username: "wendy", sessionID: sessionID, issuedAt: Date().addingTimeInterval(3600)))
            rejected["unknown kid"] = try await harness.sign(
                Self.claims(userID: userID, username: "wendy", sessionID: sessionID), kid: "some-other-key")
            rejected["wrong issuer"] = try await harness.sign(
                Self.claims(userID: userID, username: "wendy", sessionID: sessionID, issuer: "evil"))
            rejected["wrong audience"] = try await harness.sign(
                Self.claims(userID: userID, username: "wendy", sessionID: sessionID, audience: "other-shop"))
            rejected["no session"] = try await harness.sign(
                Self.claims(userID: userID, username: "wendy", sessionID: nil))
            rejected["alg none"] = Self.unsigned(genuine, alg: "none", signature: "")
            rejected["HS256 confusion"] = Self.unsigned(genuine, alg: "HS256", signature: "c2lnbmF0dXJl")
            rejected["tampered payload"] = Self.tamperedPayload(genuine)
            rejected["garbage"] = "not.a.jwt"
            rejected["two parts"] = "abc.def"

            for (name, token) in rejected {
                let response = try await client.get("/v1/users/me", token: token)
                #expect(response.status == .unauthorized, "\(name) token was accepted")
                let admin = try await client.get("/v1/users", token: token)
                #expect(admin.status == .unauthorized, "\(name) token reached the admin list")
            }
        }
    }

    /// Keeps the payload, swaps the header's `alg`, and replaces the signature.
    static func unsigned(_ token: String, alg: String, signature: String) -> String {
        let parts = token.split(separator: ".")
        let kid = (try? TokenVerifierHeader.decode(token).kid) ?? ""
        let header = Data(#"{"alg":"\#(alg)","kid":"\#(kid)","typ":"JWT"}"#.utf8).base64URLEncodedString()
        return "\(header).\(parts[1]).\(signature)"
    }

    /// Changes the subject inside a genuinely signed token.
    static func tamperedPayload(_ token: String) -> String {
        let parts = token.split(separator: ".").map(String.init)
        var payload =
            (try? JSONSerialization.jsonObject(with: Data(base64URLEncoded: parts[1])!)) as? [String: Any] ?? [:]
        payload["roles"] = ["customer", "admin"]
        let data = try! JSONSerialization.data(withJSONObject: payload)
        return "\(parts[0]).\(data.base64URLEncodedString()).\(parts[2])"
    }

    @Test(arguments: TestBackend.available)
    func jwksPublishesTheSigningKey(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, harness in
            let response = try await client.get("/.well-known/jwks.json")
            #expect(response.status == .ok)
            let keys = try #require(response.json["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(keys[0]["kid"] as? String == (try harness.keyID))
            #expect(keys[0]["kty"] as? String == "EC")
            #expect(keys[0]["crv"] as? String == "P-256")
            #expect(keys[0]["d"] == nil, "private key material published")
        }
    }

    /// During a rotation the previous key is still published, so tokens it signed
    /// keep verifying elsewhere until they expire.
    @Test func previousKeyIsPublishedDuringARotation() async throws {
        let previous = ES256PrivateKey()
        let file = TestDirectory.make().appendingPathComponent("previous.pem")
        try previous.publicKey.pemRepresentation.write(to: file, atomically: true, encoding: .utf8)
        try await UserServiceHarness.run(.sqlite, settings: ["SIGNING_KEY_PREVIOUS_FILE": file.path]) {
            client, harness in
            let keys = try #require(try await client.get("/.well-known/jwks.json").json["keys"] as? [[String: Any]])
            let ids = Set(keys.compactMap { $0["kid"] as? String })
            #expect(ids == [try harness.keyID, try SigningKeyRing.thumbprint(of: previous.publicKey)])
        }
    }
}
