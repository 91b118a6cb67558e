import Foundation
import ShopTestSupport
import Testing

@testable import ShopPlatform

@Suite("Local secrets")
struct LocalSecretTests {
    @Test func madeOnceKeptPrivateAndReadBack() throws {
        let directory = TestDirectory.make().appendingPathComponent("data").path
        let secret = LocalSecret.token(directory: directory, name: "service-token")
        let first = try secret.load()
        #expect(first.generated && first.secret.count == 24)
        let again = try secret.load()
        #expect(!again.generated && again.secret == first.secret)
        let attributes = try FileManager.default.attributesOfItem(atPath: secret.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// Replicas starting together on one data folder end up with one secret.
    @Test func processesStartingTogetherAgree() async throws {
        for _ in 0..<20 {
            let directory = TestDirectory.make().path
            let secrets = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask { try LocalSecret.token(directory: directory, name: "key").load().secret }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(secrets.count == 1)
        }
    }

    /// A saved secret that does not parse is reported, not replaced.
    @Test func anUnreadableSecretIsAnErrorAndIsKept() throws {
        let directory = TestDirectory.make().path
        let path = URL(fileURLWithPath: directory).appendingPathComponent("key").path
        try "not base64!".write(toFile: path, atomically: true, encoding: .utf8)
        let secret = LocalSecret(directory: directory, name: "key", parse: { Data(base64Encoded: $0) }) {
            (Data([1, 2, 3]), Data([1, 2, 3]).base64EncodedString())
        }
        #expect(throws: LocalSecretError.self) { try secret.load() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not base64!")

        // An empty file (touched by hand) is reported with its path too.
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: LocalSecretError.self) { try secret.load() }
        #expect(error?.path == path)
        // So is a secret whose parser throws rather than answering nil.
        try "x".write(toFile: path, atomically: true, encoding: .utf8)
        let throwing = LocalSecret<Data>(
            directory: directory, name: "key", parse: { _ in throw CocoaError(.fileReadCorruptFile) }
        ) {
            (Data(), "")
        }
        #expect(throws: LocalSecretError.self) { try throwing.load() }
    }
}
