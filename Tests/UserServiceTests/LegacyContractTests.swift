import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import UserService

/// The training shop's `/api` user contract, with form bodies and `Basic <api_key>`
/// exactly as its original frontend sends them.
@Suite("Legacy /api user contract")
struct LegacyContractTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func createForm(_ username: String) -> ByteBuffer {
        .form([
            ("first_name", "Pat"), ("last_name", "Doe"), ("email", "\(username)@example.com"),
            ("username", username), ("password", "password-123"),
        ])
    }

    @Test(arguments: TestBackend.available)
    func originalJourney(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let created = try await client.execute(
                uri: "/api/user/create", method: .post, headers: Self.form, body: Self.createForm("pat"))
            #expect(created.status == .ok)
            #expect(created.json["message"] as? String == "User added")
            let user = try #require(created.json["result"] as? [String: Any])
            #expect(
                Set(user.keys) == [
                    "id", "username", "email", "first_name", "last_name", "is_active", "is_admin", "api_key",
                ])
            #expect(user["api_key"] is NSNull)
            #expect(user["is_active"] as? Bool == true)

            let login = try await client.execute(
                uri: "/api/user/login", method: .post, headers: Self.form,
                body: .form([("username", "pat"), ("password", "password-123")]))
            #expect(login.status == .ok)
            #expect(login.json["message"] as? String == "Logged in")
            let apiKey = try #require(login.json["api_key"] as? String)

            let me = try await client.execute(
                uri: "/api/user", method: .get, headers: [.authorization: "Basic \(apiKey)"])
            #expect(me.status == .ok)
            let result = try #require(me.json["result"] as? [String: Any])
            #expect(result["username"] as? String == "pat")
            #expect(result["api_key"] as? String == apiKey)
            // Bearer works as well.
            #expect(try await client.get("/api/user", token: apiKey).status == .ok)

            let exists = try await client.get("/api/user/pat/exists")
            #expect(exists.status == .ok)
            #expect(exists.json["result"] as? Bool == true)

            let logout = try await client.execute(
                uri: "/api/user/logout", method: .post, headers: [.authorization: "Basic \(apiKey)"])
            #expect(logout.json["message"] as? String == "You are logged out")
            let after = try await client.execute(
                uri: "/api/user", method: .get, headers: [.authorization: "Basic \(apiKey)"])
            #expect(after.status == .unauthorized)
            #expect(after.json["message"] as? String == "Not logged in")
        }
    }

    @Test(arguments: TestBackend.available)
    func errorCasesKeepTheShapeAndFixTheBehaviour(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            _ = try await client.execute(
                uri: "/api/user/create", method: .post, headers: Self.form, body: Self.createForm("sam"))
            let duplicate = try await client.execute(
                uri: "/api/user/create", method: .post, headers: Self.form, body: Self.createForm("sam"))
            #expect(duplicate.status == .conflict)
            #expect(duplicate.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(duplicate.json["message"] is String)

            let missing = try await client.execute(
                uri: "/api/user/create", method: .post, headers: Self.form, body: .form([("username", "tom")]))
            #expect(missing.status == .badRequest)
            #expect((missing.json["message"] as? String)?.contains("password") == true)

            let wrong = try await client.execute(
                uri: "/api/user/login", method: .post, headers: Self.form,
                body: .form([("username", "sam"), ("password", "nope-nope")]))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.json as NSDictionary == ["message": "Not logged in"])
            let empty = try await client.execute(
                uri: "/api/user/login", method: .post, headers: Self.form, body: .form([]))
            #expect(empty.status == .unauthorized)
            #expect(empty.json["message"] as? String == "Not logged in")

            let anonymousLogout = try await client.execute(uri: "/api/user/logout", method: .post)
            #expect(anonymousLogout.status == .ok)
            #expect(anonymousLogout.json["message"] as? String == "You are not logged in")

            let unknown = try await client.get("/api/user/ghost/exists")
            #expect(unknown.status == .notFound)
            #expect(unknown.json as NSDictionary == ["message": "Cannot find username"])

            let anonymous = try await client.get("/api/user")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.json as NSDictionary == ["message": "Not logged in"])
        }
    }

    @Test(arguments: TestBackend.available)
    func userListIsAdminOnlyAndHasNoSecrets(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            _ = try await client.execute(
                uri: "/api/user/create", method: .post, headers: Self.form, body: Self.createForm("uma"))
            let customer = try await client.accessToken("uma")
            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)

            let anonymous = try await client.get("/api/users")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.json["message"] as? String == "Not logged in")
            let forbidden = try await client.execute(
                uri: "/api/users", method: .get, headers: [.authorization: "Basic \(customer)"])
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.json["message"] is String)

            let list = try await client.execute(
                uri: "/api/users", method: .get, headers: [.authorization: "Basic \(admin)"])
            #expect(list.status == .ok)
            let users = list.jsonArray
            #expect(
                users.compactMap { $0["username"] as? String }.sorted() == [UserServiceHarness.adminUsername, "uma"])
            #expect(users.allSatisfy { $0["api_key"] is NSNull })
            #expect(!list.text.contains("password"))
        }
    }

    @Test(arguments: TestBackend.available)
    func jsonBodiesWorkOnTheLegacyRoutesToo(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let created = try await client.call(
                .post, "/api/user/create",
                json: [
                    "first_name": "Val", "last_name": "Q", "email": "val@example.com", "username": "val",
                    "password": "password-123",
                ])
            #expect(created.status == .ok)
            let login = try await client.call(
                .post, "/api/user/login", json: ["username": "val", "password": "password-123"])
            #expect(login.json["api_key"] is String)
        }
    }
}
