import Foundation
import Testing

@testable import ShopPlatform

/// The sink behind every log line: whole lines in order, warnings out at once,
/// and a stalled reader costs dropped lines, never a blocked request.
@Suite("Log sink")
struct LogSinkTests {
    /// A pipe the test reads; both ends stay open for the process's life (the
    /// sink's writer thread outlives the test).
    struct Output {
        let read: Int32
        let write: Int32

        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            (read, write) = (ends[0], ends[1])
        }

        /// What is in the pipe now, without waiting.
        func drain() -> String {
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
            var text: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = Foundation.read(read, &chunk, chunk.count)
                if count <= 0 { break }
                text += chunk[0..<count]
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    static func line(_ text: String) -> [UInt8] { Array((text + "\n").utf8) }

    @Test func linesFromManyTasksArriveWholeAndInOrder() async {
        let output = Output()
        let sink = LogSink(descriptor: output.write)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for number in 0..<200 { sink.append(Self.line("writer=\(writer) line=\(number)")) }
                }
            }
        }
        sink.flush()
        let lines = output.drain().split(separator: "\n")
        #expect(lines.count == 1600)
        for writer in 0..<8 {
            let own = lines.filter { $0.hasPrefix("writer=\(writer) ") }
            #expect(own == (0..<200).map { "writer=\(writer) line=\($0)"[...] })
        }
    }

    @Test func aWarningIsOutBeforeAppendReturnsAndAfterWhatCameBefore() {
        let output = Output()
        let sink = LogSink(descriptor: output.write, gather: .seconds(30))
        sink.append(Self.line("info one"))
        sink.append(Self.line("info two"))
        #expect(output.drain() == "", "info lines gather")
        sink.append(Self.line("warning three"), now: true)
        #expect(output.drain() == "info one\ninfo two\nwarning three\n")
    }

    @Test func aStalledReaderCostsDroppedLinesNotABlockedCaller() async throws {
        let output = Output()
        let sink = LogSink(descriptor: output.write, gather: .milliseconds(1), limit: 4096)
        // Far more than the pipe (64 KiB) and the limit hold, with nobody reading:
        // every append returns.
        for number in 0..<20_000 { sink.append(Self.line("line \(number) of a stalled output")) }
        // Once the reader is back, what was kept arrives and the loss is reported.
        var text = ""
        for _ in 0..<500 where !text.contains("lines dropped") {
            text += output.drain()
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(text.hasPrefix("line 0 of a stalled output\n"))
        #expect(text.contains("lines dropped while output was blocked"))
        #expect(text.split(separator: "\n").count < 20_000)
    }

    /// Standard output set non-blocking (by whoever holds the other end): a
    /// full pipe is waited out, not taken for an error that loses the batch.
    @Test func aNonBlockingOutputLosesNothing() async throws {
        let output = Output()
        _ = fcntl(output.write, F_SETFL, fcntl(output.write, F_GETFL) | O_NONBLOCK)
        let sink = LogSink(descriptor: output.write, gather: .milliseconds(1))
        for number in 0..<20_000 { sink.append(Self.line("line \(number) of a non-blocking output")) }
        var text = ""
        var count = 0
        for _ in 0..<1000 where count < 20_000 {
            let chunk = output.drain()
            count += chunk.utf8.count { $0 == UInt8(ascii: "\n") }
            text += chunk
            try await Task.sleep(for: .milliseconds(5))
        }
        let lines = text.split(separator: "\n")
        #expect(lines.count == 20_000)
        #expect(lines.last == "line 19999 of a non-blocking output")
        #expect(!text.contains("dropped"))
    }
}
