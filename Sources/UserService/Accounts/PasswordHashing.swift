import HummingbirdBcrypt
import NIOCore
import NIOPosix

/// bcrypt on threads of its own. Every login costs one bcrypt, known account or
/// not, so anyone can queue many at once; on `NIOThreadPool.singleton` they
/// would wait in front of every SQLite query (readiness included), and a login
/// flood would stall the whole service. Here they queue behind each other only.
enum PasswordHashing {
    /// One thread per core: more would only make the hashes share the cores.
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await threads.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await threads.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
