import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import UserService

@Suite("Admin account management")
struct AdminTests {
    @Test(arguments: TestBackend.available)
    func firstAdminComesFromConfigurationOnce(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let admin = try await client.login(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)
            #expect((admin["user"] as? [String: Any])?["is_admin"] as? Bool == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func listIsAdminOnlyAndPaginated(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            for index in 0..<5 { try await client.register("user\(index)") }
            let customer = try await client.accessToken("user0")
            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)

            #expect(try await client.get("/v1/users").status == .unauthorized)
            #expect(try await client.get("/v1/users", token: customer).status == .forbidden)

            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await client.get(
                    "/v1/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin)
                #expect(page.status == .ok)
                let items = try #require(page.json["items"] as? [[String: Any]])
                #expect(items.count <= 2)
                #expect(items.allSatisfy { $0["password_hash"] == nil && $0["api_key"] == nil })
                seen += items.compactMap { $0["username"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == [UserServiceHarness.adminUsername, "user0", "user1", "user2", "user3", "user4"])

            #expect(try await client.get("/v1/users?limit=0", token: admin).status == .unprocessableContent)
            #expect(try await client.get("/v1/users?limit=101", token: admin).status == .unprocessableContent)
            #expect(try await client.get("/v1/users?cursor=xyz", token: admin).status == .unprocessableContent)
        }
    }

    @Test(arguments: TestBackend.available)
    func adminsGrantAndRevokeAdmin(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let olivia = try await client.register("olivia")
            let id = try #require(olivia["id"] as? Int)
            let customer = try await client.accessToken("olivia")
            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)

            #expect(
                try await client.call(.patch, "/v1/users/\(id)", json: ["is_admin": true], token: customer).status
                    == .forbidden)
            let granted = try await client.call(.patch, "/v1/users/\(id)", json: ["is_admin": true], token: admin)
            #expect(granted.status == .ok)
            #expect(granted.json["is_admin"] as? Bool == true)
            // A fresh token carries the admin role.
            let promoted = try await client.accessToken("olivia")
            #expect(try await client.get("/v1/users", token: promoted).status == .ok)

            let me = try await client.get("/v1/users/me", token: admin)
            let adminID = try #require(me.json["id"] as? Int)
            let selfDemote = try await client.call(
                .patch, "/v1/users/\(adminID)", json: ["is_admin": false], token: admin)
            #expect(selfDemote.status == .conflict)
            #expect(
                try await client.call(.patch, "/v1/users/424242", json: ["is_admin": true], token: admin).status
                    == .notFound)
            let wrongType = try await client.call(.patch, "/v1/users/\(id)", json: ["is_admin": "yes"], token: admin)
            #expect(wrongType.status == .badRequest)
        }
    }
}
