import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

@Suite("Sessions: login, refresh, logout")
struct SessionTests {
    @Test(arguments: TestBackend.available)
    func loginIssuesTokensThatIdentifyTheUser(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, harness in
            try await client.register("henry")
            let session = try await client.login("HENRY")
            #expect(session["token_type"] as? String == "Bearer")
            #expect((session["expires_in"] as? Int).map { (890...900).contains($0) } == true)
            #expect((session["refresh_token"] as? String)?.count ?? 0 >= 40)
            let token = try #require(session["access_token"] as? String)
            let header = try TokenVerifierHeader.decode(token)
            #expect(header.alg == "ES256")
            #expect(header.kid == (try harness.keyID))
            #expect((session["user"] as? [String: Any])?["username"] as? String == "henry")
        }
    }

    /// A name is trimmed at sign-up, so it is at sign-in too: a customer who
    /// typed " pat " twice gets in (before: "invalid username or password").
    @Test func aNameIsTrimmedAtSignInAsAtSignUp() async throws {
        try await UserServiceHarness.run(.sqlite) { client, _ in
            let created = try await client.call(
                .post, "/v1/users", json: ["username": " pat ", "email": "pat@example.com", "password": "password-123"])
            #expect(created.status == .created, "\(created.text)")
            let session = try await client.login(" pat ")
            #expect((session["user"] as? [String: Any])?["username"] as? String == "pat")
        }
    }

    @Test(arguments: TestBackend.available)
    func unknownUserAndWrongPasswordFailAlike(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("irene")
            let wrong = try await client.call(
                .post, "/v1/sessions", json: ["username": "irene", "password": "bad-password"])
            let unknown = try await client.call(
                .post, "/v1/sessions", json: ["username": "nobody", "password": "bad-password"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.json["detail"] as? String == unknown.json["detail"] as? String)
            let missing = try await client.call(.post, "/v1/sessions", json: ["username": "irene"])
            #expect(missing.status == .unprocessableContent)
        }
    }

    @Test(arguments: TestBackend.available)
    func repeatedFailuresAreRateLimited(backend: TestBackend) async throws {
        try await UserServiceHarness.run(
            backend, settings: ["LOGIN_MAX_FAILURES": "3", "LOGIN_LOCKOUT_SECONDS": "120"]
        ) {
            client, _ in
            try await client.register("jack")
            for _ in 0..<3 {
                let attempt = try await client.call(
                    .post, "/v1/sessions", json: ["username": "jack", "password": "wrong-one"])
                #expect(attempt.status == .unauthorized)
            }
            // Locked now, even with the right password.
            let locked = try await client.call(
                .post, "/v1/sessions", json: ["username": "JACK", "password": "password-123"])
            #expect(locked.status == .tooManyRequests)
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap(Int.init))
            #expect((1...120).contains(retryAfter))
            // Other accounts are unaffected.
            try await client.register("kate")
            _ = try await client.login("kate")
        }
    }

    @Test(arguments: TestBackend.available)
    func refreshRotatesAndReuseRevokesTheFamily(backend: TestBackend) async throws {
        // No grace: the replay below comes right after the first use.
        try await UserServiceHarness.run(backend, settings: ["REFRESH_REUSE_GRACE_SECONDS": "0"]) { client, _ in
            try await client.register("liam")
            let first = try await client.login("liam")
            let firstRefresh = try #require(first["refresh_token"] as? String)

            let rotated = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": firstRefresh])
            #expect(rotated.status == .ok)
            let secondRefresh = try #require(rotated.json["refresh_token"] as? String)
            let secondAccess = try #require(rotated.json["access_token"] as? String)
            #expect(secondRefresh != firstRefresh)
            #expect(try await client.get("/v1/users/me", token: secondAccess).status == .ok)

            // Replaying the used token: refused, and the whole family is revoked.
            let replay = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": firstRefresh])
            #expect(replay.status == .unauthorized)
            let afterReplay = try await client.call(
                .post, "/v1/sessions/refresh", json: ["refresh_token": secondRefresh])
            #expect(afterReplay.status == .unauthorized)
            #expect(try await client.get("/v1/users/me", token: secondAccess).status == .unauthorized)

            // A separate login is a separate family and still works.
            _ = try await client.login("liam")
            let garbage = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": "not-a-token"])
            #expect(garbage.status == .unauthorized)
            #expect(try await client.call(.post, "/v1/sessions/refresh", json: [:]).status == .unprocessableContent)
        }
    }

    @Test(arguments: TestBackend.available)
    func logoutRevokesTheSession(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("mia")
            let session = try await client.login("mia")
            let access = try #require(session["access_token"] as? String)
            let refresh = try #require(session["refresh_token"] as? String)
            let other = try await client.accessToken("mia")

            #expect(try await client.call(.delete, "/v1/sessions/current", token: access).status == .noContent)
            #expect(try await client.get("/v1/users/me", token: access).status == .unauthorized)
            #expect(
                try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh]).status
                    == .unauthorized)
            // Only that session: the other login is untouched.
            #expect(try await client.get("/v1/users/me", token: other).status == .ok)
            #expect(try await client.call(.delete, "/v1/sessions/current").status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available)
    func deactivatedAccountsCannotLogIn(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let user = try await client.register("noah")
            let token = try await client.accessToken("noah")
            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)
            let id = try #require(user["id"] as? Int)
            #expect(
                try await client.call(.patch, "/v1/users/\(id)", json: ["is_active": false], token: admin).status == .ok
            )
            #expect(try await client.get("/v1/users/me", token: token).status == .unauthorized)
            let login = try await client.call(
                .post, "/v1/sessions", json: ["username": "noah", "password": "password-123"])
            #expect(login.status == .unauthorized)
        }
    }
}

/// Reads a JWT header without verifying it (test-side only).
enum TokenVerifierHeader {
    struct Header: Decodable {
        let alg: String
        let kid: String?
    }

    static func decode(_ token: String) throws -> Header {
        let part = String(token.split(separator: ".")[0])
        return try JSONDecoder().decode(Header.self, from: try #require(Data(base64URLEncoded: part)))
    }
}
