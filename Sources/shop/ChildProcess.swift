import Foundation
import Synchronization

/// One service running as a child process, its output prefixed with its name.
final class ChildProcess: Sendable {
    let name: String
    private let process: Process
    private let output = LineBuffer()

    init(name: String, executable: URL, arguments: [String], environment: [String: String]) {
        self.name = name
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        self.process = process
    }

    func start(onExit: @escaping @Sendable (ChildProcess, Int32) -> Void) throws {
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let prefix = "[\(name)] ".padding(toLength: 18, withPad: " ", startingAt: 0)
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let chunk = handle.availableData
            guard !chunk.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            // Print whole lines only, so lines of different children never interleave.
            for line in output.append(chunk) {
                Console.print(prefix + String(decoding: line, as: UTF8.self))
            }
        }
        process.terminationHandler = { process in
            onExit(self, process.terminationStatus)
        }
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Splits a byte stream into complete lines.
final class LineBuffer: Sendable {
    private let pending = Mutex(Data())

    func append(_ chunk: Data) -> [Data] {
        pending.withLock { buffer in
            buffer.append(chunk)
            var lines: [Data] = []
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(Data(buffer[buffer.startIndex..<newline]))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
            return lines
        }
    }
}

/// Serialised console output shared by the CLI and its children's log lines.
enum Console {
    private static let lock = Mutex(())

    static func print(_ line: String) {
        lock.withLock { _ in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
