import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

/// user-service as a real process: the original contract over real HTTP, and
/// graceful shutdown on SIGTERM.
@Suite("user-service process", .serialized)
struct UserServiceSystemTests {
    /// The test plan's user-service on a SQLite database of its own.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let shop = TestShop(settings: [.userService: extra])
        return shop.environment(for: .userService, database: "sqlite://\(shop.dataDirectory)/user-service.db")
    }

    @Test func originalContractJourneyWithCurlShapedRequests() async throws {
        let service = try await ServiceProcess("user-service", environment: Self.environment())
        defer { service.stop() }
        try await service.waitUntilReady()

        let created = try await HTTP.send(
            .POST, service.baseURL + "/api/user/create",
            form: [
                ("first_name", "Ann"), ("last_name", "Lee"), ("email", "ann@example.com"), ("username", "ann"),
                ("password", "secret123"),
            ])
        #expect(created.status == 200)
        #expect(created.json["message"] as? String == "User added")
        let login = try await HTTP.send(
            .POST, service.baseURL + "/api/user/login", form: [("username", "ann"), ("password", "secret123")])
        let apiKey = try #require(login.json["api_key"] as? String)
        let me = try await HTTP.send(.GET, service.baseURL + "/api/user", headers: ["Authorization": "Basic \(apiKey)"])
        #expect(me.status == 200)
        #expect((me.json["result"] as? [String: Any])?["username"] as? String == "ann")
        #expect(me.headers["x-request-id"] != nil)
    }

    /// SIGTERM with requests in flight: readiness turns 503 first, every in-flight
    /// request completes, and the process exits 0.
    @Test func sigtermDrainsInFlightRequestsAndExitsZero() async throws {
        // A real bcrypt cost makes each login take a noticeable time on these cores.
        // Six logins at once for one username would pass the default five-attempt
        // throttle window (attempts are claimed before bcrypt), so it is raised here.
        let service = try await ServiceProcess(
            "user-service",
            environment: Self.environment([
                "BCRYPT_COST": "12", "SHUTDOWN_DRAIN_SECONDS": "3", "LOGIN_MAX_FAILURES": "10",
            ]))
        defer { service.stop() }
        try await service.waitUntilReady()
        let base = service.baseURL

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await HTTP.send(
                        .POST, base + "/v1/sessions",
                        json: ["username": TestShop.adminUsername, "password": TestShop.adminPassword]
                    ).status
                }
            }
            try await Task.sleep(for: .milliseconds(150))
            service.signal(SIGTERM)
            // While draining, the process still answers but says it is not ready.
            var sawNotReady = false
            // The drain lasts 3 s: room for six cost-12 logins hogging both cores.
            for _ in 0..<60 where !sawNotReady {
                if let ready = try? await HTTP.send(.GET, base + "/health/ready"), ready.status == 503 {
                    sawNotReady = true
                }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(sawNotReady, "readiness never turned 503 while draining")
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 201, count: 6))
        #expect(try await service.waitForExit() == 0)
    }
}
