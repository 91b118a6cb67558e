import Configuration
import Foundation
import HummingbirdTesting
import JWTKit
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

/// In production mode a replica never invents its own signing key or runs with
/// a default admin password: it refuses to start and says why.
@Suite("Production mode")
struct ProductionModeTests {
    static func environment(_ extra: [String: String]) -> [String: String] {
        [
            "SHOP_MODE": "production", "DATABASE_URL": "sqlite::memory:", "DATA_DIR": TestDirectory.make().path,
            "LOG_LEVEL": "warning", "BCRYPT_COST": "4",
        ].merging(extra) { $1 }
    }

    @Test func missingSecretsAndDefaultPasswordsRefuseToStart() async throws {
        do {
            _ = try await buildUserService(
                reader: .shop(
                    arguments: ["t"], environment: Self.environment(["SHOP_ADMIN_PASSWORD": "admin-password-1"])))
            Issue.record("user-service started without a signing key")
        } catch let refusal as ProductionMode.Refusal {
            #expect(refusal.description.contains("signing.key"))
            #expect(refusal.description.contains("shop.admin.password"))
        }
        // Nothing was generated into the data folder meanwhile.
        let dataDir = TestDirectory.make().path
        _ = try? await buildUserService(
            reader: .shop(arguments: ["t"], environment: Self.environment(["DATA_DIR": dataDir])))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dataDir).isEmpty)
    }

    @Test func configuredSecretsStart() async throws {
        let key = ES256PrivateKey().pemRepresentation
        let production = Self.environment([
            "SIGNING_KEY": key, "SHOP_ADMIN_USERNAME": "boss", "SHOP_ADMIN_PASSWORD": "a-long-unusual-passphrase",
        ])
        // Development mode (the default) still generates what is missing.
        var development = Self.environment([:])
        development["SHOP_MODE"] = nil
        for environment in [production, development] {
            let app = try await buildUserService(reader: .shop(arguments: ["t"], environment: environment))
            try await app.test(.router) { client in
                let ready = try await client.execute(uri: "/health/ready", method: .get)
                #expect(ready.status == .ok)
            }
        }
    }
}
