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
            #expect(try await client.send(.delete, "/v1/sessions/current", token: ended).status == .noContent)

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

            let revoked = try await client.send(.post, "/v1/sessions/revoke", json: ["refresh_token": refresh])
            #expect(revoked.status == .noContent)
            #expect(try await client.get("/v1/users/me", token: access).status == .unauthorized)
            #expect(
                try await client.send(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh]).status
                    == .unauthorized)
            #expect(try await client.get("/v1/users/me", token: other).status == .ok)
            // Unknown tokens get the same answer; a missing one is a validation error.
            let unknown = try await client.send(.post, "/v1/sessions/revoke", json: ["refresh_token": "nope"])
            #expect(unknown.status == .noContent)
            #expect(try await client.send(.post, "/v1/sessions/revoke", json: [:]).status == .unprocessableContent)
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
                        try await client.send(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh])
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
            let replay = try await client.send(.post, "/v1/sessions/refresh", json: ["refresh_token": refresh])
            #expect(replay.status == .unauthorized)
            for successor in successors {
                let after = try await client.send(.post, "/v1/sessions/refresh", json: ["refresh_token": successor])
                #expect(after.status == .unauthorized)
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
