import Foundation
import ShopPlatform
import Testing

@Suite("Base64url")
struct Base64URLTests {
    /// RFC 4648 §5 by definition: the standard alphabet with `-` and `_`, unpadded.
    static func reference(_ data: Data) -> String {
        String(
            data.base64EncodedString().compactMap { character -> Character? in
                switch character {
                case "+": "-"
                case "/": "_"
                case "=": nil
                default: character
                }
            })
    }

    @Test func everyLengthRoundTripsAsTheRFCSpellsIt() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            for _ in 0..<20 {
                let data = Data((0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
                let text = data.base64URLEncodedString()
                #expect(text == Self.reference(data))
                #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
                #expect(Data(base64URLEncoded: text) == data)
            }
        }
        #expect(Data([0xfb, 0xff]).base64URLEncodedString() == "-_8")
        #expect(Data(base64URLEncoded: "-_8") == Data([0xfb, 0xff]))
    }

    @Test func textThatIsNotBase64urlIsRefused() {
        for text in ["a", "abcde", "ab\u{0}c", "ab c", "ab!c", "abç", "ab=c", "abc=", "+/8", "ab/c"] {
            #expect(Data(base64URLEncoded: text) == nil, "\(text.debugDescription)")
        }
    }
}
