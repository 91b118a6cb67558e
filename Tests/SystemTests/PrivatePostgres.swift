import Foundation
import ShopTestSupport

/// A PostgreSQL server of one test's own, which the test may crash and start
/// again: the shared test server cannot be restarted under other tests.
final class PrivatePostgres: Sendable {
    let port: Int
    let directory: URL
    let bindir: String
    var baseURL: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    /// A new server, started. Its commands run on a thread of their own: they
    /// block, and the cooperative pool has as many threads as cores.
    static func start() async throws -> PrivatePostgres {
        try await Self.detached { try PrivatePostgres() }
    }

    private init() throws {
        bindir = try Self.findBindir()
        port = try ServiceProcess.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("private-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("socket"), withIntermediateDirectories: true)
        if getuid() == 0 { try Self.run("/bin/chown", ["-R", "postgres:postgres", directory.path], asPostgres: false) }
        try Self.run(
            bindir + "/initdb",
            ["-D", directory.appendingPathComponent("data").path, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        try launch()
    }

    func start() async throws {
        try await Self.detached { try self.launch() }
    }

    private func launch() throws {
        try Self.run(
            bindir + "/pg_ctl",
            [
                "-D", directory.appendingPathComponent("data").path, "-l",
                directory.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o",
                "-p \(port) -k \(directory.appendingPathComponent("socket").path) -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off",
                "start",
            ])
    }

    /// Stops the server the way a crash would: no checkpoint, clients cut off.
    /// Committed transactions survive (synchronous commit is on).
    func crash() async throws {
        try await Self.detached { try self.stopNow(mode: "immediate") }
    }

    func stopFast() async throws {
        try await Self.detached { try self.stopNow(mode: "fast") }
    }

    /// Stops the server and deletes its files. Synchronous (for `defer`), and
    /// quick: an immediate stop does not wait for a checkpoint.
    func destroy() {
        try? stopNow(mode: "immediate")
        try? FileManager.default.removeItem(at: directory)
    }

    private func stopNow(mode: String) throws {
        try Self.run(
            bindir + "/pg_ctl", ["-D", directory.appendingPathComponent("data").path, "-m", mode, "-w", "stop"])
    }

    private static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func findBindir() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["TEST_POSTGRES_BINDIR"] { return dir }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let dir = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: dir + "/initdb") { return dir }
        }
        throw SystemTestError("no PostgreSQL server binaries (set TEST_POSTGRES_BINDIR)")
    }

    /// Runs a command to completion, as the `postgres` user when we are root
    /// (PostgreSQL refuses to run as root). Spawned and reaped directly: with
    /// Foundation's `Process`, `pg_ctl start` (which leaves a daemon behind) was
    /// never seen to exit.
    private static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = true) throws {
        // Only stdin, stdout and stderr are passed on (glibc's posix_spawn cannot
        // close the rest): the server would otherwise keep copies of this process's
        // sockets, and a service draining on SIGTERM waits for those connections.
        let closeTheRest = [
            "/usr/bin/python3", "-c", "import os, sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])",
        ]
        let argv =
            closeTheRest
            + (asPostgres && getuid() == 0
                ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw SystemTestError("cannot start \(argv[0]): \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw SystemTestError("\(argv.joined(separator: " ")) exited with status \(status)")
        }
    }
}
