import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One log line built as bytes, for `ShopLogHandler`.
///
/// The per-request line must stay cheap (issue 12: well under 0.01 ms), so
/// nothing here goes through Foundation: the time comes from `clock_gettime`
/// and `gmtime_r`, numbers are written digit by digit, and the finished line
/// goes to `LogSink`, which writes it from a thread of its own.
struct LogLine {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(320)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// RFC 3339 UTC with milliseconds, from the wall clock.
    mutating func appendTimestamp() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendDigits(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), 2)
        bytes.append(UInt8(ascii: "."))
        appendDigits(Int(now.tv_nsec) / 1_000_000, 3)
        bytes.append(UInt8(ascii: "Z"))
    }

    private mutating func appendDigits(_ value: Int, _ count: Int) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    mutating func appendJSONString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most values need no escape: one scan, then one copy.
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        else {
            bytes.append(contentsOf: string.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Text for a `key=value` line: control characters become spaces, so one
    /// record is always one line (values can come from requests).
    mutating func appendPlain(_ string: String) {
        for byte in string.utf8 { bytes.append(byte < 0x20 || byte == 0x7F ? UInt8(ascii: " ") : byte) }
    }

    /// A `key=value` value: quoted (JSON-style) when it holds a space, `=`, a
    /// quote or a control character, so a value can never pose as more fields.
    mutating func appendValue(_ string: String) {
        if string.utf8.contains(where: { $0 == 0x20 || $0 == 0x3D || $0 == 0x22 || $0 < 0x20 || $0 == 0x7F }) {
            appendJSONString(string)
        } else {
            bytes.append(contentsOf: string.utf8)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// The fields of one record: the call's own first, then the provider's
    /// (trace ids), then the handler's; a key is written once, the first time
    /// (so the call's value wins, as with swift-log's merge). Nothing is
    /// allocated to find that out.
    static func fields(
        _ handler: Logger.Metadata, _ provider: Logger.MetadataProvider?, _ explicit: Logger.Metadata?,
        _ body: (String, Logger.Metadata.Value) -> Void
    ) {
        let provided = provider?.get() ?? [:]
        for (key, value) in explicit ?? [:] { body(key, value) }
        for (key, value) in provided where explicit?[key] == nil { body(key, value) }
        for (key, value) in handler where explicit?[key] == nil && provided[key] == nil { body(key, value) }
    }

    /// Hands the line, with its newline, to standard output's `LogSink`;
    /// `now` for a line that must be out before the caller goes on.
    mutating func emit(now: Bool) {
        bytes.append(UInt8(ascii: "\n"))
        LogSink.standardOutput.append(bytes, now: now)
    }
}

/// The services' log handler: `LOG_FORMAT=text` (local) writes
/// `ts level label: key=value ... message`; `json` (containers) writes one
/// object per line with `ts`, `level`, `logger`, `msg`, then the metadata
/// (`trace_id`, `span_id` when tracing is on, `hb.request.id`, the call's own).
public struct ShopLogHandler: LogHandler {
    public enum Format: Sendable { case text, json }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: Format

    public init(label: String, format: Format, metadataProvider: Logger.MetadataProvider?) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes every pending line now: for a tool that measures the lines'
    /// cost, or one about to stop without `exit`.
    public static func flushOutput() {
        LogSink.standardOutput.flush()
    }

    /// Keys of the JSON line itself; metadata may not repeat them.
    static let reserved: Set<String> = ["ts", "level", "logger", "msg"]

    public func log(event: LogEvent) {
        var line = LogLine()
        switch format {
        case .text:
            line.appendTimestamp()
            line.append(byte: UInt8(ascii: " "))
            line.append(event.level.rawValue)
            line.append(byte: UInt8(ascii: " "))
            line.append(label)
            line.append(byte: UInt8(ascii: ":"))
            LogLine.fields(metadata, metadataProvider, event.metadata) { key, value in
                line.append(byte: UInt8(ascii: " "))
                line.appendPlain(key)
                line.append(byte: UInt8(ascii: "="))
                line.appendValue(value.description)
            }
            line.append(byte: UInt8(ascii: " "))
            line.appendPlain(event.message.description)
        case .json:
            line.append(#"{"ts":""#)
            line.appendTimestamp()
            line.append(#"","level":""#)
            line.append(event.level.rawValue)
            line.append(#"","logger":"#)
            line.appendJSONString(label)
            line.append(#","msg":"#)
            line.appendJSONString(event.message.description)
            LogLine.fields(metadata, metadataProvider, event.metadata) { key, value in
                guard !Self.reserved.contains(key) else { return }
                line.append(byte: UInt8(ascii: ","))
                line.appendJSONString(key)
                line.append(byte: UInt8(ascii: ":"))
                line.appendJSONString(value.description)
            }
            line.append(byte: UInt8(ascii: "}"))
        }
        // Warnings and errors are out before the caller goes on.
        line.emit(now: event.level >= .warning)
    }
}
