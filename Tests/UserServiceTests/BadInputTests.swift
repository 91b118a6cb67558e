import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import UserService

/// Bad input gets a clear 4xx and changes nothing.
@Suite("Bad input")
struct BadInputTests {
    @Test(arguments: TestBackend.available)
    func malformedBodiesAreRejected(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let json: HTTPFields = [.contentType: "application/json"]
            let malformed = try await client.execute(
                uri: "/v1/users", method: .post, headers: json, body: ByteBuffer(string: "{\"username\":"))
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")
            #expect(!malformed.text.contains("Swift"), "leaks internals: \(malformed.text)")

            let wrongType = try await client.execute(
                uri: "/v1/users", method: .post, headers: json,
                body: .json(["username": 42, "email": ["a"], "password": true]))
            #expect(wrongType.status == .badRequest)
            #expect((wrongType.json["detail"] as? String)?.contains("username") == true)

            let array = try await client.execute(
                uri: "/v1/users", method: .post, headers: json, body: ByteBuffer(string: "[]"))
            #expect(array.status == .badRequest)
            let empty = try await client.execute(uri: "/v1/users", method: .post, headers: json)
            #expect(empty.status == .badRequest)

            let brokenForm = try await client.execute(
                uri: "/api/user/create", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=%ZZ&&=="))
            #expect(brokenForm.status == .badRequest)
            #expect(brokenForm.json["message"] is String)

            let multipart = try await client.execute(
                uri: "/v1/users", method: .post, headers: [.contentType: "multipart/form-data; boundary=x"],
                body: ByteBuffer(string: "--x--"))
            #expect(multipart.status == .unsupportedMediaType)

            // Nothing was created by any of that.
            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)
            let list = try await client.get("/v1/users", token: admin)
            #expect((list.json["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func oversizedBodiesGet413(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend, settings: ["BODY_LIMIT": "4096"]) { client, _ in
            let huge = String(repeating: "x", count: 10_000)
            let response = try await client.call(
                .post, "/v1/users", json: ["username": "big", "email": "big@example.com", "password": huge])
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
            let legacy = try await client.execute(
                uri: "/api/user/create", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: .form([("username", huge)]))
            #expect(legacy.status == .contentTooLarge)
            #expect(legacy.json["message"] is String)
        }
    }

    @Test(arguments: TestBackend.available)
    func unicodeLongStringsAndSQLAreStoredVerbatim(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let sneaky = "Robert'); DROP TABLE users;--"
            let unicode = "Zoë 🛒 日本語 \u{0301}"
            let response = try await client.call(
                .post, "/v1/users",
                json: [
                    "username": "bobby.tables", "email": "bobby@example.com", "password": "p' OR '1'='1",
                    "first_name": sneaky, "last_name": unicode,
                ])
            #expect(response.status == .created)
            let token = try await client.accessToken("bobby.tables", password: "p' OR '1'='1")
            let me = try await client.get("/v1/users/me", token: token)
            #expect(me.json["first_name"] as? String == sneaky)
            #expect(me.json["last_name"] as? String == unicode)

            // Injection attempts in lookups find nothing and break nothing.
            let probe = try await client.get("/api/user/x'%20OR%20'1'='1/exists")
            #expect(probe.status == .notFound)
            let loginProbe = try await client.call(
                .post, "/v1/sessions", json: ["username": "' OR 1=1 --", "password": "whatever-1"])
            #expect(loginProbe.status == .unauthorized)

            let tooLong = try await client.call(
                .post, "/v1/users",
                json: [
                    "username": "longname", "email": "long@example.com", "password": "password-123",
                    "first_name": String(repeating: "é", count: 10_000),
                ])
            #expect(tooLong.status == .unprocessableContent)
            let emoji = try await client.call(
                .post, "/v1/users", json: ["username": "emoji🛒", "email": "e@example.com", "password": "password-123"])
            #expect(emoji.status == .unprocessableContent)
        }
    }
}
