import Foundation
import Testing

@testable import ShopPlatform

/// The byte-level log line: valid JSON whatever the text, one line per record.
@Suite("Log lines")
struct LogLineTests {
    @Test func jsonStringsEscapeQuotesBackslashesAndControls() throws {
        var line = LogLine()
        line.append(#"{"msg":"#)
        line.appendJSONString("a \"quoted\" \\ path\nwith\ttab \u{01}\u{1F} é ✓")
        line.append(#","ts":""#)
        line.appendTimestamp()
        line.append(#""}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: String])
        #expect(object["msg"] == "a \"quoted\" \\ path\nwith\ttab \u{01}\u{1F} é ✓")
        let stamp = try #require(object["ts"])
        #expect(stamp.count == 24 && stamp.hasSuffix("Z"), "\(stamp)")
        let parsed = ISO8601DateFormatter()
        parsed.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(parsed.date(from: stamp))
        #expect(abs(date.timeIntervalSinceNow) < 5)
    }

    @Test func plainTextNeverBreaksTheLine() {
        var line = LogLine()
        line.appendPlain("forged\nline\r\u{7F}\u{1B}[31m")
        #expect(!line.bytes.contains(UInt8(ascii: "\n")) && !line.bytes.contains(0x1B))
        #expect(String(decoding: line.bytes, as: UTF8.self) == "forged line   [31m")
    }

    @Test func valuesThatCouldPoseAsFieldsAreQuoted() {
        var line = LogLine()
        line.appendValue("/v1/orders")
        line.append(byte: UInt8(ascii: " "))
        line.appendValue("boom status=200 user=admin")
        line.append(byte: UInt8(ascii: " "))
        line.appendValue("a\nb")
        #expect(String(decoding: line.bytes, as: UTF8.self) == #"/v1/orders "boom status=200 user=admin" "a\nb""#)
    }
}
