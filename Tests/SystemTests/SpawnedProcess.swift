import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child started with `posix_spawn`, its standard output and error appended
/// to a file.
///
/// Not Foundation's `Process`: on Linux, `Process.run()` copies 256 bytes out
/// of each `/proc/self/fd` entry it lists, past the end of glibc's 32 KiB
/// directory buffer once this process holds about 1,350 descriptors, and a
/// parallel test run holds more (swift-corelibs-foundation #5472, fixed after
/// Swift 6.3.1): the whole test run crashed now and then. Here the child closes
/// every descriptor from 3 on its own (`addclosefrom_np`); nothing is listed.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    /// The raw wait status, once the child has exited and been reaped.
    private let reaped = Mutex<Int32?>(nil)

    init(_ executable: String, arguments: [String], environment: [String: String], output: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard Self.addCloseFrom(&actions, 3) == 0 else {
            throw SystemTestError("cannot close descriptors in the child")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as `Process` does: a signal to the test run's
        // group (Ctrl-C) reaches the children through their teardown only.
        // Signals as a fresh process has them: the spawning thread may block
        // some (SIGTERM included), and a child would inherit that mask.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SystemTestError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which its
    /// header declares for `_GNU_SOURCE` only, out of sight of Swift's Glibc.
    private static let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 =
        {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else {
                fatalError("glibc 2.34 or later is needed for posix_spawn_file_actions_addclosefrom_np")
            }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    /// The wait status once the child has exited (reaping it the first time).
    private var status: Int32? {
        reaped.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
            }
            return status
        }
    }

    var isRunning: Bool { status == nil }

    /// The exit code, or the signal that ended it, negated; nil while it runs.
    var exitStatus: Int32? {
        guard let raw = status else { return nil }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : -signal
    }

    /// Sent only while the child is unreaped: its pid may be another's after.
    func signal(_ signal: Int32) {
        reaped.withLock { status in
            if status == nil { kill(pid, signal) }
        }
    }
}
