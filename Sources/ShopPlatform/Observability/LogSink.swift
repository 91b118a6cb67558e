import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where log lines go: a buffer that a thread of its own writes out, so a
/// request never pays for the `write(2)` or waits on a slow reader.
///
/// A line is appended under a lock. The writer wakes on the first line after
/// it last wrote, lets lines gather for `gather`, and writes them with one
/// `write(2)`. Invariants:
/// - Lines come out whole and in the order they were appended.
/// - A warning or error is written by its caller before `append` returns,
///   after everything pending, and `exit` writes what is pending: the lines
///   that explain a failure are not the ones left in a buffer. (A trap loses
///   at most the last `gather` of info lines.) The price: a warning waits for
///   a stalled output, as every line did before the sink.
/// - Past `limit` bytes pending (the reader stalled), info lines are dropped
///   and counted, never queued without bound and never waited for; so are
///   lines a write error (a full disk) loses. The count is written with the
///   next lines that get out.
/// `@unchecked`: `state` is only touched under `pending`, `spare` under `writing`.
final class LogSink: @unchecked Sendable {
    /// Standard output, written at exit too.
    static let standardOutput: LogSink = {
        let sink = LogSink(descriptor: 1)
        atexit { LogSink.standardOutput.flush() }
        return sink
    }()

    let descriptor: Int32
    let gather: Duration
    let limit: Int
    /// 1 while lines wait to be written; guards `state`.
    private let pending = ConditionLock(value: 0)
    private var state = Pending()
    /// Held while taking the pending lines and writing them, so two writes never
    /// overlap or swap order.
    private let writing = NIOLock()
    /// The buffer being written; swapped with the pending one, so neither is
    /// allocated again.
    private var spare: [UInt8] = []

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
    }

    init(descriptor: Int32, gather: Duration = .milliseconds(20), limit: Int = 4 << 20) {
        self.descriptor = descriptor
        self.gather = gather
        self.limit = limit
        state.bytes.reserveCapacity(64 << 10)
        spare.reserveCapacity(64 << 10)
        let pause = gather.inSeconds
        let writer = Thread { [self] in
            while true {
                pending.lock(whenValue: 1)
                pending.unlock()
                Thread.sleep(forTimeInterval: pause)
                flush()
            }
        }
        writer.name = "log-writer"
        writer.start()
    }

    /// Queues one line (ending in a newline); `now` writes it, and all before it, at once.
    func append(_ line: [UInt8], now: Bool = false) {
        if now {
            writing.withLock {
                writeAll(takePending())
                writeAll(line)
            }
            return
        }
        pending.lock()
        guard state.bytes.count + line.count <= limit else {
            state.dropped += 1
            pending.unlock()
            return
        }
        let wasEmpty = state.bytes.isEmpty
        state.bytes.append(contentsOf: line)
        // Only the first line wakes the writer; the rest find it gathering.
        if wasEmpty { pending.unlock(withValue: 1) } else { pending.unlock() }
    }

    /// Writes everything pending, and blocks until it is written.
    func flush() {
        writing.withLock { writeAll(takePending()) }
    }

    /// Moves the pending lines into `spare` and returns them; call holding `writing`.
    private func takePending() -> [UInt8] {
        spare.removeAll(keepingCapacity: true)
        pending.lock()
        swap(&state.bytes, &spare)
        if state.dropped > 0 {
            spare.append(contentsOf: "log: \(state.dropped) lines dropped while output was blocked\n".utf8)
            state.dropped = 0
        }
        pending.unlock(withValue: 0)
        return spare
    }

    /// Writes `bytes`, waiting while a non-blocking output is full. On an
    /// error (a full disk, a closed pipe) the lines not written are counted as
    /// dropped, and a line cut short is ended, so the next one starts whole.
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                    continue
                }
                if written < 0, errno == EINTR { continue }
                if written < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                    continue
                }
                let rest = buffer[offset...]
                let cut = offset > 0 && buffer[offset - 1] != UInt8(ascii: "\n")
                if cut { _ = write(descriptor, "\n", 1) }
                let lost = rest.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                pending.lock()
                state.dropped += lost
                pending.unlock()
                return
            }
        }
    }
}
