import Foundation

/// What text the services accept, decided once for every field: no control
/// characters except tab, line feed and carriage return.
///
/// PostgreSQL refuses NUL in text (a 500 if it got that far) and SQLite stores it
/// but reads the value back cut at the NUL, so two different emails could look
/// alike and `"\0anything"` would match `"\0secret"` in bcrypt's C string. Other
/// C0/C1 controls and DEL have no place in names, addresses or searches either.
/// Fields that must be one line (names, usernames) refuse the three allowed ones
/// in their own rules.
///
/// The checks run on the raw request (URL, JSON or form body) before decoding,
/// so no route can forget them.
enum InputText {
    static let refusal = ProblemError.badRequest(
        "Text may not contain control characters other than tab and line breaks")

    /// C0 controls other than tab, LF and CR; DEL; and the C1 controls.
    static func isForbidden(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// Scans a JSON document's raw bytes and its `\uXXXX` escapes. Malformed
    /// escapes are left for the JSON decoder to refuse.
    static func checkJSON(_ bytes: some Sequence<UInt8>) throws {
        var iterator = bytes.makeIterator()
        var previous: UInt8 = 0
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "\\") {
                guard let escaped = iterator.next() else { return }
                if escaped == UInt8(ascii: "u") {
                    var value: UInt32 = 0
                    for _ in 0..<4 {
                        guard let digit = iterator.next().flatMap(hexValue) else { return }
                        value = value << 4 | digit
                    }
                    if isForbidden(value) { throw refusal }
                }
                previous = 0
                continue
            }
            if isForbiddenByte(byte, after: previous) { throw refusal }
            previous = byte
        }
    }

    /// Scans an `application/x-www-form-urlencoded` body as it will be decoded.
    static func checkForm(_ body: String) throws {
        try checkDecoded(body, plusIsSpace: true, malformed: ProblemError.badRequest("Form body is malformed"))
    }

    /// Scans a request target (path and query). Most targets have no escapes:
    /// one pass over their bytes; the rest are decoded on the fly, without
    /// allocating, since the catalogue's hot path runs this on every request.
    static func checkTarget(_ target: String) throws {
        var escaped = false
        var previous: UInt8 = 0
        for byte in target.utf8 {
            if byte == UInt8(ascii: "%") { escaped = true }
            if isForbiddenByte(byte, after: previous) || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                throw refusal
            }
            previous = byte
        }
        guard escaped else { return }
        try checkDecoded(
            target, plusIsSpace: false, malformed: ProblemError.badRequest("The URL's escapes are not valid UTF-8"))
    }

    /// Percent-decodes `text` as UTF-8 scalar by scalar and refuses a forbidden
    /// one; a broken escape or invalid UTF-8 is `malformed`.
    private static func checkDecoded(_ text: String, plusIsSpace: Bool, malformed: ProblemError) throws {
        var bytes = PercentDecodedBytes(base: text.utf8.makeIterator(), plusIsSpace: plusIsSpace)
        var decoder = UTF8()
        while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                if isForbidden(scalar.value) { throw refusal }
            case .emptyInput:
                if bytes.isMalformed { throw malformed }
                return
            case .error:
                throw malformed
            }
        }
    }

    /// The bytes of a percent-encoded string, decoded as they are read.
    private struct PercentDecodedBytes: IteratorProtocol {
        var base: String.UTF8View.Iterator
        let plusIsSpace: Bool
        private(set) var isMalformed = false

        init(base: String.UTF8View.Iterator, plusIsSpace: Bool) {
            self.base = base
            self.plusIsSpace = plusIsSpace
        }

        mutating func next() -> UInt8? {
            guard let byte = base.next() else { return nil }
            if byte == UInt8(ascii: "+"), plusIsSpace { return UInt8(ascii: " ") }
            guard byte == UInt8(ascii: "%") else { return byte }
            guard let high = base.next().flatMap(InputText.hexValue), let low = base.next().flatMap(InputText.hexValue)
            else {
                isMalformed = true
                return nil
            }
            return UInt8(high << 4 | low)
        }
    }

    /// A raw byte: a C0 control or DEL, or the second byte of a C1 control
    /// (UTF-8 `C2 80`–`C2 9F`; `C2` is only ever a lead byte).
    static func isForbiddenByte(_ byte: UInt8, after previous: UInt8) -> Bool {
        if byte < 0x20 { return byte != 0x09 && byte != 0x0A && byte != 0x0D }
        if byte == 0x7F { return true }
        return previous == 0xC2 && (0x80...0x9F).contains(byte)
    }

    fileprivate static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
