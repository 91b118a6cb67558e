import Foundation
import HummingbirdTesting
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

/// Issue 9.6 and 9.7 at user-service: the revocation feed other services poll,
/// logout by refresh token, and the grace window for one client's racing tabs.
@Suite("Revocation")
struct RevocationTests {
    @Test(arguments: TestBackend.available)
    func feedListsRevokedSessionsOnly(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("olga")
            let ended = try await client.accessToken("olga")
            let kept = try await client.accessToken("olga")
            #expect(try await client.call(.delete, "/v1/sessions/current", token: ended).status == .noContent)

            let feed = try await Self.feed(client, since: "0")
            #expect(feed.sessions.map(\.id) == [try Self.sessionID(of: ended)])
            #expect(!feed.sessions.map(\.id).contains(try Self.sessionID(of: kept)))
            #expect(feed.retainSeconds == 8 * 3600)
            #expect(abs(feed.asOf - Int64(Date().timeIntervalSince1970 * 1000)) < 60_000)
            // From its own as_of on, nothing is new; far-future and extreme cursors are just empty.
            #expect(try await Self.feed(client, since: "\(feed.asOf + 1)").sessions.isEmpty)
            #expect(try await Self.feed(client, since: "\(Int64.max)").sessions.isEmpty)
            for bad in ["-1", "abc", "1e3", "\(Int64.max)0"] {
                let reply = try await client.get("/v1/revocations?since=\(bad)")
                #expect(reply.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aRefreshTokenAloneEndsItsSession(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("pia")
            let session = try await client.login("pia")
            let access = try #require(session["access_token"] as? String)
            let refresh = try #require(session["refresh_token"] as? String)
            let other = try await client.accessToken("pia")

            let revoked = try await client.call(.post, "/v1/sessions/revoke", json: ["refresh_token": refresh])
            #expect(revoked.status == .noContent)
            #expect(try await client.get("/v1/users/me", token: access).status == .unauthorized)
            #expect(
                try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh]).status
                    == .unauthorized)
            #expect(try await client.get("/v1/users/me", token: other).status == .ok)
            // Unknown tokens get the same answer; a missing one is a validation error.
            let unknown = try await client.call(.post, "/v1/sessions/revoke", json: ["refresh_token": "nope"])
            #expect(unknown.status == .noContent)
            #expect(try await client.call(.post, "/v1/sessions/revoke", json: [:]).status == .unprocessableContent)
        }
    }

    /// Two tabs refresh with one token at once: both carry on. A replay after
    /// the grace is theft and ends the family, siblings included.
    @Test(arguments: TestBackend.available)
    func racingRefreshesOfOneClientKeepTheSession(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend, settings: ["REFRESH_REUSE_GRACE_SECONDS": "1"]) { client, _ in
            try await client.register("quin")
            let refresh = try #require(try await client.login("quin")["refresh_token"] as? String)
            let replies = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.map(\.status) == [.ok, .ok])
            let successors = replies.compactMap { $0.json["refresh_token"] as? String }
            #expect(Set(successors).count == 2)
            for reply in replies {
                let access = try #require(reply.json["access_token"] as? String)
                #expect(try await client.get("/v1/users/me", token: access).status == .ok)
            }

            try await Task.sleep(for: .milliseconds(2100))
            let replay = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh])
            #expect(replay.status == .unauthorized)
            for successor in successors {
                let after = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": successor])
                #expect(after.status == .unauthorized)
            }
        }
    }

    /// The grace is one second chance per token: a third use is theft.
    @Test(arguments: TestBackend.available)
    func theGraceServesOneRepeatOnly(backend: TestBackend) async throws {
        // A grace no loaded run outlasts: a second use 10 s late was taken for theft once.
        try await UserServiceHarness.run(backend, settings: ["REFRESH_REUSE_GRACE_SECONDS": "600"]) { client, _ in
            try await client.register("rhea")
            let refresh = try #require(try await client.login("rhea")["refresh_token"] as? String)
            let body = ["refresh_token": refresh]
            #expect(try await client.call(.post, "/v1/sessions/refresh", json: body).status == .ok)
            let second = try await client.call(.post, "/v1/sessions/refresh", json: body)
            #expect(second.status == .ok)
            #expect(try await client.call(.post, "/v1/sessions/refresh", json: body).status == .unauthorized)
            let sibling = try #require(second.json["refresh_token"] as? String)
            let after = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": sibling])
            #expect(after.status == .unauthorized, "the third use revoked the whole session")
        }
    }

    /// A login that read the account before an admin demoted it must not come
    /// out with an admin token nobody revokes (review finding: the session was
    /// inserted after the demotion had revoked the account's sessions). bcrypt
    /// at cost 12 keeps the login busy while the demotion lands.
    @Test(arguments: TestBackend.available)
    func aLoginRacingADemotionGetsNoAdminToken(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend, settings: ["BCRYPT_COST": "12"]) { client, _ in
            let created = try await client.register("sam")
            let id = try #require(created["id"] as? Int)
            let root = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)
            let promote = try await client.call(.patch, "/v1/users/\(id)", json: ["is_admin": true], token: root)
            #expect(promote.status == .ok)
            for _ in 0..<3 {
                async let login = client.call(
                    .post, "/v1/sessions", json: ["username": "sam", "password": "password-123"])
                try await Task.sleep(for: .milliseconds(60))
                let demote = try await client.call(.patch, "/v1/users/\(id)", json: ["is_admin": false], token: root)
                #expect(demote.status == .ok)
                let session = try await login
                if let token = session.json["access_token"] as? String {
                    #expect(try await client.get("/v1/users", token: token).status != .ok, "an admin token survived")
                }
                #expect(
                    try await client.call(.patch, "/v1/users/\(id)", json: ["is_admin": true], token: root).status
                        == .ok)
            }
        }
    }

    /// A refresh and a logout of one session at once: afterwards nothing of
    /// the session works, whichever came first (review finding: on PostgreSQL
    /// the token the refresh inserted escaped the logout's revocation).
    @Test(arguments: TestBackend.available)
    func aRefreshRacingALogoutLeavesNothingAlive(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            try await client.register("tess")
            for _ in 0..<15 {
                let session = try await client.login("tess")
                let refresh = try #require(session["refresh_token"] as? String)
                async let rotated = client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh])
                async let revoked = client.call(.post, "/v1/sessions/revoke", json: ["refresh_token": refresh])
                let (rotation, revocation) = try await (rotated, revoked)
                #expect(revocation.status == .noContent)
                if let next = rotation.json["refresh_token"] as? String,
                    let access = rotation.json["access_token"] as? String
                {
                    #expect(try await client.get("/v1/users/me", token: access).status == .unauthorized)
                    let again = try await client.call(.post, "/v1/sessions/refresh", json: ["refresh_token": next])
                    #expect(again.status == .unauthorized)
                }
            }
        }
    }

    static func feed(_ client: any TestClientProtocol, since: String) async throws -> RevocationFeed {
        let reply = try await client.get("/v1/revocations?since=\(since)")
        #expect(reply.status == .ok)
        return try JSONDecoder().decode(RevocationFeed.self, from: Data(buffer: reply.body))
    }

    /// The `sid` of a token (read without verifying, test-side).
    static func sessionID(of token: String) throws -> String {
        let payload = try #require(Data(base64URLEncoded: String(token.split(separator: ".")[1])))
        let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        return try #require(object["sid"] as? String)
    }
}
