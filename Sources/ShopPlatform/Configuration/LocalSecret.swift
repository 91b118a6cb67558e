import Foundation
import Logging
import SystemPackage

/// A secret for local runs that nobody configured (a signing key, a session key,
/// the demo admin's password): made once, kept in the data folder (0600) so that
/// restarts agree, and read back afterwards.
///
/// The file appears whole and only once: processes starting together on one
/// data folder all end up with the one secret the first of them saved. A saved secret
/// that does not parse is an error naming the file, never silently replaced
/// (that would end every session it signed).
public struct LocalSecret<Secret> {
    public let path: String
    let parse: (String) throws -> Secret?
    let generate: () -> (secret: Secret, text: String)

    /// `parse` reads the file's text (trimmed) back, nil when it is not a valid
    /// secret; `generate` makes a new one and its text.
    public init(
        directory: String, name: String, parse: @escaping (String) throws -> Secret?,
        generate: @escaping () -> (secret: Secret, text: String)
    ) {
        self.path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        self.parse = parse
        self.generate = generate
    }

    /// The saved secret, or a new one saved now; `generated` says which.
    public func load(logger: Logger? = nil) throws -> (secret: Secret, generated: Bool) {
        if let saved = try read() { return (saved, false) }
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let made = generate()
        // Written whole to a file of its own, then linked into place: a link
        // fails if the name exists, and a reader never sees a half-written secret.
        let draft = path + ".\(UUID().uuidString)"
        let file = try FileDescriptor.open(
            FilePath(draft), .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
        defer { try? FileManager.default.removeItem(atPath: draft) }
        try file.closeAfter {
            _ = try file.writeAll(Array(made.text.utf8))
            // On disk before it has a name: a crash cannot leave an empty secret.
            guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
        }
        do {
            try FileManager.default.linkItem(atPath: draft, toPath: path)
        } catch  where FileManager.default.fileExists(atPath: path) {
            // Another process made it first: theirs is the one.
            if let saved = try read() { return (saved, false) }
            throw error
        }
        logger?.notice("generated a secret for local runs", metadata: ["path": "\(path)"])
        return (made.secret, true)
    }

    private func read() throws -> Secret? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let unreadable = LocalSecretError(
            path: path, reason: "does not hold a valid secret; remove it to make a new one")
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, let secret = try? parse(text) else { throw unreadable }
        return secret
    }
}

extension LocalSecret where Secret == String {
    /// A random password-like token of `length` characters that cannot be misread.
    public static func token(directory: String, name: String, length: Int = 24) -> LocalSecret<String> {
        LocalSecret(directory: directory, name: name, parse: { $0 }) {
            let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var generator = SystemRandomNumberGenerator()
            let token = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            return (token, token)
        }
    }
}

public struct LocalSecretError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "\(path) \(reason)" }
}
