import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopPlatform
import ShopTestSupport
import Testing

@testable import UserService

@Suite("Health, metrics and request ids")
struct OperationalTests {
    @Test(arguments: TestBackend.available)
    func healthAndMetrics(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            #expect(try await client.get("/health/live").status == .ok)
            // The database check has a 2 s deadline; on a loaded full run one
            // check may miss it (and rightly say so), so a few are allowed.
            var ready = try await client.get("/health/ready")
            for _ in 0..<5 where ready.status != .ok {
                try await Task.sleep(for: .milliseconds(500))
                ready = try await client.get("/health/ready")
            }
            #expect(ready.status == .ok)
            #expect((ready.json["checks"] as? [String: String])?["database"] == "ok")

            _ = try await client.get("/v1/users/me")
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"http_route="/v1/users/me""#))
            #expect(metrics.text.contains(#"http_response_status_code="401""#))
            #expect(metrics.text.contains("http_server_request_duration_bucket"))
        }
    }

    /// A wrong method on a known path is 405 naming the allowed ones; an unknown
    /// path stays 404; a known route's own 404 is untouched (issue 9.9).
    @Test func wrongMethodIsMethodNotAllowed() async throws {
        try await UserServiceHarness.run(.sqlite) { client, _ in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.put, "/v1/users/me", "GET, HEAD, PATCH"), (.get, "/v1/sessions", "POST"),
                (.delete, "/health/live", "GET, HEAD"), (.post, "/v1/users/7", "GET, HEAD, PATCH"),
                (.patch, "/api/user/login", "POST"),
            ]
            for (method, path, allowed) in cases {
                let reply = try await client.execute(uri: path, method: method)
                #expect(reply.status == .methodNotAllowed, "\(method) \(path)")
                #expect(reply.headers[.allow] == allowed, "\(method) \(path)")
                // The original contract's error shape under /api, problem+json elsewhere.
                let shape = path.hasPrefix("/api") ? "application/json; charset=utf-8" : "application/problem+json"
                #expect(reply.headers[.contentType] == shape)
            }
            #expect(try await client.execute(uri: "/v1/nowhere", method: .put).status == .notFound)
            #expect(try await client.execute(uri: "/v1/users/me/extra", method: .get).status == .notFound)
            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)
            #expect(try await client.get("/v1/users/999999", token: admin).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func requestIDsAreHonouredOrGenerated(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let given = try await client.execute(uri: "/health/live", method: .get, headers: [.requestID: "abc-123.x"])
            #expect(given.headers[.requestID] == "abc-123.x")
            let generated = try await client.get("/health/live")
            let id = try #require(generated.headers[.requestID])
            #expect(id.count >= 16)
            let hostile = try await client.execute(
                uri: "/health/live", method: .get, headers: [.requestID: "bad id\"with{junk}"])
            #expect(hostile.headers[.requestID] != "bad id\"with{junk}")
            // Errors carry the id as well.
            let missing = try await client.execute(uri: "/nowhere", method: .get, headers: [.requestID: "trace-me"])
            #expect(missing.status == .notFound)
            #expect(missing.headers[.requestID] == "trace-me")
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
    }
}
