import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

/// Builds user-service on a fresh database of the given backend, with a signing
/// key the test also holds (to mint expired, forged or odd tokens) and a known admin.
struct UserServiceHarness: Sendable {
    /// Not the shop's usual `admin`: control-character attacks aim at `root`.
    static let adminUsername = "root"
    static let adminPassword = TestShop.adminPassword

    let signingKey: ES256PrivateKey
    let environment: [String: String]

    static func run(
        _ backend: TestBackend, settings: [String: String] = [:],
        _ body: @Sendable (any TestClientProtocol, UserServiceHarness) async throws -> Void
    ) async throws {
        let key = ES256PrivateKey()
        let plan = TestShop(
            shared: ["DATABASE_POOL_SIZE": "4"],
            settings: [
                .userService: ["SIGNING_KEY": key.pemRepresentation, "SHOP_ADMIN_USERNAME": adminUsername].merging(
                    settings
                ) { $1 }
            ])
        let environment = plan.environment(for: .userService, database: try await backend.makeDatabaseURL())
        let harness = UserServiceHarness(signingKey: key, environment: environment)
        let app = try await buildUserService(reader: .shop(arguments: ["test"], environment: environment))
        try await app.testRouter("user-service") { client in try await body(client, harness) }
    }

    var keyID: String { get throws { try SigningKeyRing.thumbprint(of: signingKey.publicKey) } }

    /// Signs arbitrary claims with the service's own key (and `kid`).
    func sign(_ claims: AccessTokenClaims, with key: ES256PrivateKey? = nil, kid: String? = nil) async throws -> String
    {
        let collection = await JWTKeyCollection().add(ecdsa: key ?? signingKey)
        return try await collection.sign(claims, kid: JWKIdentifier(string: try kid ?? keyID))
    }
}

/// Shorthands for the calls most tests make.
extension TestClientProtocol {
    @discardableResult
    func register(
        _ username: String, email: String? = nil, password: String = "password-123",
        expect status: HTTPResponse.Status = .created
    ) async throws -> [String: Any] {
        let response = try await execute(
            uri: "/v1/users", method: .post, headers: [.contentType: "application/json"],
            body: .json([
                "username": username, "email": email ?? "\(username)@example.com", "password": password,
                "first_name": "First", "last_name": "Last",
            ]))
        #expect(response.status == status, "\(response.text)")
        return response.json
    }

    /// Logs in over `/v1` and returns the session document.
    func login(_ username: String, password: String = "password-123") async throws -> [String: Any] {
        let response = try await execute(
            uri: "/v1/sessions", method: .post, headers: [.contentType: "application/json"],
            body: .json(["username": username, "password": password]))
        #expect(response.status == .created, "\(response.text)")
        return response.json
    }

    func accessToken(_ username: String, password: String = "password-123") async throws -> String {
        try #require(try await login(username, password: password)["access_token"] as? String)
    }

    func get(_ uri: String, token: String? = nil) async throws -> TestResponse {
        try await call(.get, uri, token: token)
    }
}
