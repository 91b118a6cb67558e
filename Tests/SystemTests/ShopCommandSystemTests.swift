import Foundation
import Testing

/// `shop up` as a person runs it: all four services on 5000-5003 with the demo
/// catalogue and an admin, stopped cleanly by Ctrl-C; a dying child is reported.
@Suite("The shop command", .serialized)
struct ShopCommandSystemTests {
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ data: Data) { lock.withLock { text += String(decoding: data, as: UTF8.self) } }
        var value: String { lock.withLock { text } }
    }

    static func start(dataDir: String) throws -> (Process, Output) {
        let process = Process()
        process.executableURL = ServiceProcess.buildDirectory.appendingPathComponent("shop")
        process.arguments = ["up", "--data-dir", dataDir]
        var environment = ProcessInfo.processInfo.environment
        for key in ["SHOP_ADMIN_PASSWORD", "SERVICE_TOKEN", "DATABASE_URL"] { environment[key] = nil }
        environment["BCRYPT_COST"] = "4"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Output()
        pipe.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
        try process.run()
        return (process, output)
    }

    static func waitFor(_ text: String, in output: Output, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !output.value.contains(text) {
            guard ContinuousClock.now < deadline else { throw SystemTestError("no “\(text)” in:\n\(output.value)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func upServesTheShopAndStopsCleanly() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-up-\(UUID().uuidString)").path
        let (process, output) = try Self.start(dataDir: dataDir)
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitFor("Press Ctrl-C to stop.", in: output)
        for url in ["http://localhost:5000", "http://localhost:5001", "http://localhost:5002", "http://localhost:5003"]
        {
            #expect(output.value.contains(url), "the table names \(url)")
        }

        let products = try await HTTP.send(.GET, "http://127.0.0.1:5002/api/products")
        #expect((products.json["results"] as? [Any])?.count ?? 0 >= 12, "the demo catalogue is served")
        let home = try await HTTP.send(.GET, "http://127.0.0.1:5000/")
        #expect(home.text.contains("Classic Mug"))

        // The printed admin credentials work.
        let password = try String(contentsOfFile: dataDir + "/admin-password", encoding: .utf8)
        #expect(output.value.contains("admin / \(password)"))
        let login = try await HTTP.send(
            .POST, "http://127.0.0.1:5001/v1/sessions", json: ["username": "admin", "password": password])
        #expect(login.status == 201)
        #expect((login.json["user"] as? [String: Any])?["is_admin"] as? Bool == true)
        #expect(output.value.contains("[order-service]"), "child output is prefixed")

        kill(process.processIdentifier, SIGINT)
        try await Self.waitFor("[shop] stopped", in: output, timeout: .seconds(30))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect((try? await HTTP.send(.GET, "http://127.0.0.1:5002/health/live", timeout: .seconds(1))) == nil)
    }

    @Test func aDyingServiceIsReportedAndStopsTheShop() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-die-\(UUID().uuidString)")
            .path
        let (process, output) = try Self.start(dataDir: dataDir)
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitFor("Press Ctrl-C to stop.", in: output)
        let health = try await HTTP.send(.GET, "http://127.0.0.1:5003/health/live")
        #expect(health.status == 200)
        // Find order-service's process by its listening port and kill it.
        let pid = try Self.pid(listeningOn: 5003)
        kill(pid, SIGKILL)
        try await Self.waitFor("order-service exited unexpectedly", in: output, timeout: .seconds(30))
        try await Self.waitFor("[shop] stopped", in: output, timeout: .seconds(30))
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
    }

    /// The pid whose open sockets include the listener on `port` (via /proc).
    static func pid(listeningOn port: Int) throws -> Int32 {
        let hexPort = String(format: ":%04X", port)
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        guard
            let line = table.split(separator: "\n").first(where: { $0.contains(hexPort + " ") && $0.contains(" 0A ") }),
            let inode = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(9).first
        else { throw SystemTestError("nothing listens on \(port)") }
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(entry),
                let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd")
            else { continue }
            for fd in fds {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(fd)"),
                    target == "socket:[\(inode)]"
                {
                    return pid
                }
            }
        }
        throw SystemTestError("no process owns the listener on \(port)")
    }
}
