import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import ShopPlatform
import Synchronization
import Testing

/// A service executable started as a real child process on a free loopback port.
final class ServiceProcess: Sendable {
    let name: String
    let port: Int
    private let child: SpawnedProcess
    private let logURL: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `.build/<config>/<name> serve` with `environment` added to this process's.
    init(_ name: String, port: Int? = nil, environment: [String: String]) async throws {
        self.name = name
        self.port = try port ?? Self.freePort()
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "warning"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).log")
        self.child = try SpawnedProcess(
            Self.buildDirectory.appendingPathComponent(name).path, arguments: ["serve", "--port", String(self.port)],
            environment: env, output: log.path)
        self.logURL = log
    }

    /// Starts `process` with its standard output and error going to a new
    /// temporary file, whose URL it returns.
    static func launch(_ process: Process, loggingAs name: String) async throws -> URL {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        // The child writes through its own copy; this one would stay open for
        // the whole run (a descriptor per service started, hundreds per run).
        defer { try? handle.close() }
        try await launch(process)
        return log
    }

    /// Starts `process` (the few children that need Foundation's pipes and
    /// handles; services are `SpawnedProcess`es), one launch at a time, on a
    /// queue of its own: tests waiting their turn are suspended, not blocking
    /// the two threads every test shares. `Process.run()` crashes when this
    /// process holds about 1,350 descriptors or more (see `SpawnedProcess`), so a
    /// launch waits, up to a minute, until it holds fewer than 1,000.
    static func launch(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            launches.async {
                let deadline = Date().addingTimeInterval(60)
                while openDescriptors() >= 1_000, Date() < deadline { usleep(50_000) }
                continuation.resume(with: Result { try process.run() })
            }
        }
    }

    /// How many descriptors this process holds now.
    private static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    private static let launches = DispatchQueue(label: "microshop.system-tests.launch")

    /// The exit status of `process` once it has exited, waited for without
    /// blocking a thread.
    static func exitStatus(of process: Process, timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw SystemTestError("process \(process.processIdentifier) did not exit")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Where SwiftPM put the executables: beside the test binary
    /// (`.build/<triple>/debug/microshopPackageTests.xctest`), unless `SHOP_BUILD_DIR` says otherwise.
    static var buildDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["SHOP_BUILD_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// A port that is free now, picked below the kernel's ephemeral range
    /// (32768+): a port the kernel handed out could be taken again as the source
    /// port of some outgoing connection before the child binds it.
    /// Never the same port twice in a run: two services given one port between
    /// its check and their binds failed with "Address already in use".
    static func freePort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isFree(port) { return port }
        }
        throw SystemTestError("no free port")
    }

    private static let handedOut = Mutex<Set<Int>>([])

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    var isRunning: Bool { child.isRunning }
    var pid: Int32 { child.pid }
    var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let child = self.child
        if try await Readiness.wait(for: baseURL, timeout: timeout, stillStarting: { child.isRunning }) { return }
        guard child.isRunning else { throw SystemTestError("\(name) exited early:\n\(output)") }
        throw SystemTestError("\(name) not ready after \(timeout):\n\(output)")
    }

    func signal(_ signal: Int32) {
        child.signal(signal)
    }

    /// Waits for exit and returns the exit status (or the signal number, negated).
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while child.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard let status = child.exitStatus else { throw SystemTestError("\(name) did not exit:\n\(output)") }
        return status
    }

    /// Asks the service to drain (SIGTERM) without waiting: stopping several,
    /// signal them all first, so their drains overlap (each `stop()` holds one
    /// of the test process's two cooperative threads while it waits).
    func terminate() {
        if child.isRunning { child.signal(SIGTERM) }
    }

    /// SIGTERM, then up to 15 s for the drain, then SIGKILL. Bounded: a
    /// teardown must never hang the test run.
    func stop() {
        guard child.isRunning else { return }
        child.signal(SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while child.isRunning && Date() < deadline { usleep(20_000) }
        if child.isRunning {
            child.signal(SIGKILL)
            // Reaped, not left a zombie for the rest of the run.
            for _ in 0..<100 where child.isRunning { usleep(10_000) }
        }
    }

    deinit { stop() }
}

struct SystemTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Plain HTTP calls over real sockets. Redirects are not followed: tests look
/// at them (and at the cookies they set).
enum HTTP {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // Clusters come and go on fresh ports all run long: idle connections to
        // them are dropped at once instead of holding sockets for a minute
        // (thousands of open descriptors made Foundation's Process.run crash).
        configuration.connectionPool = .init(idleTimeout: .milliseconds(500))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Reply: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var jsonArray: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func send(
        _ method: NIOHTTP1Method, _ url: String, headers: [String: String] = [:], form: [(String, String)]? = nil,
        json: [String: Any]? = nil, body raw: Data? = nil, timeout: Duration = .seconds(30)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.rawValue)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = form.map {
                "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
            }.joined(separator: "&")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        } else if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let raw {
            request.body = .bytes(ByteBuffer(data: raw))
        } else if method == .POST {
            request.body = .bytes(ByteBuffer())
        }
        let (seconds, attoseconds) = timeout.components
        let response = try await client.execute(
            request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        let body = try await response.body.collect(upTo: 16 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: fields, body: Data(buffer: body))
    }

    enum NIOHTTP1Method: String { case GET, POST, PUT, PATCH, DELETE }
}
