import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where each test is in starting and stopping what it runs, one line per step
/// appended to the file TEST_PHASES_FILE names (scripts/test sets it). When a
/// run hangs, its watchdog prints each unfinished test's last step: waiting for
/// a service to start, in its body, or in a shutdown that never ends.
public enum TestPhase {
    private static let descriptor: Int32 = {
        guard let path = ProcessInfo.processInfo.environment["TEST_PHASES_FILE"], !path.isEmpty else { return -1 }
        return open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    }()

    /// Appends "test<TAB>step". One `write` with `O_APPEND`: lines from
    /// concurrent tests never interleave.
    public static func mark(_ step: String) {
        guard descriptor >= 0 else { return }
        let line = Array("\(Test.current?.name ?? "-")\t\(step)\n".utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Marks `what`'s test body running, then ended (thrown or not).
    public static func running<Value>(_ what: String, _ body: () async throws -> Value) async rethrows -> Value {
        mark("\(what): up, test body running")
        defer { mark("\(what): body ended, shutting down") }
        return try await body()
    }

    /// Marks `what` starting, then ended or thrown.
    public static func around<Value>(_ what: String, _ body: () async throws -> Value) async rethrows -> Value {
        mark("\(what): starting")
        do {
            let value = try await body()
            mark("\(what): stopped")
            return value
        } catch {
            mark("\(what): threw \(error)")
            throw error
        }
    }
}

extension ApplicationProtocol {
    /// `test(.router)` with its steps recorded (`TestPhase`).
    public func testRouter<Value: Sendable>(
        _ name: String, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await TestPhase.around("\(name) (router)") {
            try await test(.router) { client in
                try await TestPhase.running("\(name) (router)") { try await body(client) }
            }
        }
    }
}
