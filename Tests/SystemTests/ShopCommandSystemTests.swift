import Foundation
import Testing

/// `shop up` as a person runs it: all four services on 5000-5003 with the demo
/// catalogue and an admin, stopped cleanly by Ctrl-C; a dying child is reported.
@Suite("The shop command", .serialized)
struct ShopCommandSystemTests {
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        private var ended = false
        func append(_ data: Data) { lock.withLock { text += String(decoding: data, as: UTF8.self) } }
        var value: String { lock.withLock { text } }

        /// Collects what `handle` delivers until its end.
        func read(_ handle: FileHandle) {
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    self.lock.withLock { self.ended = true }
                } else {
                    self.append(data)
                }
            }
        }

        /// Everything, once the writer has closed its end (bounded).
        func whole(timeout: Duration = .seconds(10)) async throws -> String {
            let deadline = ContinuousClock.now + timeout
            while !lock.withLock({ ended }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            return value
        }
    }

    static func start(dataDir: String, extra: [String] = []) async throws -> (Process, Output) {
        let process = Process()
        process.executableURL = ServiceProcess.buildDirectory.appendingPathComponent("shop")
        process.arguments = ["up", "--data-dir", dataDir] + extra
        var environment = ProcessInfo.processInfo.environment
        for key in ["SHOP_ADMIN_PASSWORD", "SERVICE_TOKEN", "DATABASE_URL"] { environment[key] = nil }
        environment["BCRYPT_COST"] = "4"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Output()
        pipe.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
        try await ServiceProcess.launch(process)
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
        let (process, output) = try await Self.start(dataDir: dataDir)
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
        #expect(try await ServiceProcess.exitStatus(of: process) == 0)
        #expect((try? await HTTP.send(.GET, "http://127.0.0.1:5002/health/live", timeout: .seconds(1))) == nil)
    }

    /// `shop up --trace` prints a request's span tree across the processes: a
    /// legacy add-to-cart (order-service asking product-service) shows both.
    @Test func upWithTracePrintsEachRequestsSpanTree() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-trace-\(UUID().uuidString)")
            .path
        let port = try ServiceProcess.freePort()
        let (process, output) = try await Self.start(dataDir: dataDir, extra: ["--trace", "--trace-port", "\(port)"])
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitFor("Press Ctrl-C to stop.", in: output)
        let password = try String(contentsOfFile: dataDir + "/admin-password", encoding: .utf8)
        let login = try await HTTP.send(
            .POST, "http://127.0.0.1:5001/v1/sessions", json: ["username": "admin", "password": password])
        let token = try #require(login.json["access_token"] as? String)
        let added = try await HTTP.send(
            .POST, "http://127.0.0.1:5003/v1/cart/items", headers: ["Authorization": "Bearer \(token)"],
            json: ["product_id": 1, "quantity": 1])
        #expect(added.status == 201, "\(added.text)")
        func printed() -> String? {
            output.value.components(separatedBy: "[trace ").dropFirst().first {
                $0.split(separator: "\n").dropFirst().first?.contains("/v1/cart/items") == true
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while printed() == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        let trace = try #require(printed(), "no span tree for the request in:\n\(output.value)")
        let lines = trace.split(separator: "\n").dropFirst()
        #expect(lines.first?.contains("order-service") == true, "\(trace)")
        #expect(lines.contains { $0.contains("  product-service") && $0.contains(" ms") }, "\(trace)")
        #expect(!output.value.contains("/health/ready      "), "probes are not printed")
        process.interrupt()
        try await Self.waitFor("[shop] stopped", in: output, timeout: .seconds(30))
    }

    @Test func aDyingServiceIsReportedAndStopsTheShop() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-die-\(UUID().uuidString)")
            .path
        let (process, output) = try await Self.start(dataDir: dataDir)
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitFor("Press Ctrl-C to stop.", in: output)
        let health = try await HTTP.send(.GET, "http://127.0.0.1:5003/health/live")
        #expect(health.status == 200)
        let pid = try Self.child(of: process.processIdentifier, serving: "order-service")
        kill(pid, SIGKILL)
        try await Self.waitFor("order-service exited unexpectedly", in: output, timeout: .seconds(30))
        try await Self.waitFor("[shop] stopped", in: output, timeout: .seconds(30))
        #expect(try await ServiceProcess.exitStatus(of: process) != 0)
    }

    /// The pid of `shop`'s child running `serve <service>` (via /proc).
    static func child(of parent: Int32, serving service: String) throws -> Int32 {
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(entry),
                let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { continue }
            let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            // stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the ')'.
            let fields = stat[(stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ")
            if arguments.contains("serve"), arguments.contains(service), fields.count > 2, Int32(fields[2]) == parent {
                return pid
            }
        }
        throw SystemTestError("no child of \(parent) serves \(service)")
    }

    @Test func seedLoadsTheDemoCatalogueOnce() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-seed-\(UUID().uuidString)")
            .path
        func seed() async throws -> (Int32, String) {
            let process = Process()
            process.executableURL = ServiceProcess.buildDirectory.appendingPathComponent("shop")
            process.arguments = ["seed"]
            var environment = ProcessInfo.processInfo.environment
            environment["SHOP_DATA_DIR"] = dataDir
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            let output = Output()
            output.read(pipe.fileHandleForReading)
            try await ServiceProcess.launch(process)
            let status = try await ServiceProcess.exitStatus(of: process)
            return (status, try await output.whole())
        }
        let first = try await seed()
        #expect(first.0 == 0)
        #expect(first.1.contains("loaded the demo catalogue"))
        let second = try await seed()
        #expect(second.0 == 0)
        #expect(second.1.contains("nothing seeded"))

        let service = try await ServiceProcess(
            "product-service",
            environment: ["DATABASE_URL": "sqlite://\(dataDir)/product-service.db", "DATA_DIR": dataDir])
        defer { service.stop() }
        try await service.waitUntilReady()
        let products = try await HTTP.send(.GET, service.baseURL + "/api/products")
        #expect((products.json["results"] as? [Any])?.count == 12)
    }
}
