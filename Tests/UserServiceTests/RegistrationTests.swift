import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import UserService

@Suite("Registration and profile")
struct RegistrationTests {
    @Test(arguments: TestBackend.available)
    func registerReturnsCreatedUserWithoutSecrets(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let response = try await client.execute(
                uri: "/v1/users", method: .post, headers: [.contentType: "application/json"],
                body: .json([
                    "username": "Alice.B", "email": "Alice@Example.com", "password": "password-123",
                    "first_name": "Alice", "last_name": "B",
                ]))
            #expect(response.status == .created)
            let user = response.json
            let id = try #require(user["id"] as? Int)
            #expect(response.headers[.location] == "/v1/users/\(id)")
            #expect(user["username"] as? String == "Alice.B")
            #expect(user["is_admin"] as? Bool == false)
            #expect(user["password"] == nil && user["password_hash"] == nil)
            #expect(!response.text.contains("$2b$"))

            let token = try await client.accessToken("alice.b")
            let me = try await client.get("/v1/users/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["email"] as? String == "Alice@Example.com")
            #expect(try await client.get("/v1/users/\(id)", token: token).status == .ok)
        }
    }

    @Test(arguments: TestBackend.available)
    func usernameAndEmailAreUniqueIgnoringCase(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("carol", email: "carol@example.com")
            let sameName = try await client.register("CAROL", email: "other@example.com", expect: .conflict)
            #expect((sameName["detail"] as? String)?.contains("username") == true)
            let sameEmail = try await client.register("carol2", email: "Carol@Example.COM", expect: .conflict)
            #expect((sameEmail["detail"] as? String)?.contains("email") == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func invalidFieldsAreListed(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let response = try await client.call(
                .post, "/v1/users",
                json: [
                    "username": "no spaces!", "email": "not-an-email", "password": "short",
                    "first_name": String(repeating: "x", count: 101),
                ])
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let fields = Set((response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["username", "email", "password", "first_name"])

            let missing = try await client.call(.post, "/v1/users", json: [:])
            #expect(missing.status == .unprocessableContent)
            let missingFields = Set(
                (missing.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(missingFields == ["username", "email", "password"])
            #expect(try await client.register("ab", expect: .unprocessableContent)["status"] as? Int == 422)
            try await client.register(String(repeating: "a", count: 33), expect: .unprocessableContent)
            try await client.register(
                "okname", password: String(repeating: "p", count: 129), expect: .unprocessableContent)
        }
    }

    @Test(arguments: TestBackend.available)
    func profileUpdateAndPasswordChange(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("dave")
            try await client.register("erin")
            let token = try await client.accessToken("dave")

            let renamed = try await client.call(
                .patch, "/v1/users/me", json: ["first_name": "Dávid", "last_name": "Ö'Brien"], token: token)
            #expect(renamed.status == .ok)
            #expect(renamed.json["first_name"] as? String == "Dávid")

            let taken = try await client.call(.patch, "/v1/users/me", json: ["email": "erin@example.com"], token: token)
            #expect(taken.status == .conflict)

            let noCurrent = try await client.call(
                .patch, "/v1/users/me", json: ["password": "new-password-1"], token: token)
            #expect(noCurrent.status == .unprocessableContent)
            let wrongCurrent = try await client.call(
                .patch, "/v1/users/me", json: ["password": "new-password-1", "current_password": "nope-nope"],
                token: token)
            #expect(wrongCurrent.status == .unprocessableContent)
            let changed = try await client.call(
                .patch, "/v1/users/me", json: ["password": "new-password-1", "current_password": "password-123"],
                token: token)
            #expect(changed.status == .ok)
            _ = try await client.login("dave", password: "new-password-1")

            #expect(try await client.get("/v1/users/me").status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available)
    func customersCannotSeeOtherUsers(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let frank = try await client.register("frank")
            try await client.register("gina")
            let token = try await client.accessToken("gina")
            let other = try await client.get("/v1/users/\(try #require(frank["id"] as? Int))", token: token)
            #expect(other.status == .notFound)
            #expect(try await client.get("/v1/users/999999", token: token).status == .notFound)
            #expect(try await client.get("/v1/users/abc", token: token).status == .notFound)
        }
    }
}
