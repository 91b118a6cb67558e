import Foundation
import Testing

@testable import ShopPlatform

/// The text rule on its own: which encodings of a control character are caught,
/// and which look-alikes are ordinary text.
@Suite("Input text rule")
struct InputTextTests {
    @Test(arguments: ["/a%00", "/a?q=%1b", "/a?q=%C2%85", "/a?q=%7F", "/a?q=ok%0D%0Aok%00", "/a?q=\u{85}", "/a\tb"])
    func targetsWithControlsAreRefused(target: String) {
        #expect(throws: ProblemError.self) { try InputText.checkTarget(target) }
    }

    @Test(arguments: ["/a?q=%2", "/a?q=%zz", "/a?q=%FF", "/a?q=%C3"])
    func brokenEscapesAreRefused(target: String) {
        #expect(throws: ProblemError.self) { try InputText.checkTarget(target) }
    }

    @Test(arguments: ["/", "/v1/products?q=stone%20mug", "/v1/products?q=caf%C3%A9", "/a?q=%09tab", "/p/%E6%97%A5"])
    func ordinaryTargetsPass(target: String) throws {
        try InputText.checkTarget(target)
    }

    @Test func formsAreJudgedAsDecoded() throws {
        try InputText.checkForm("a=b+c%2B&d=%E2%82%AC")
        #expect(throws: ProblemError.self) { try InputText.checkForm("a=%00") }
        #expect(throws: ProblemError.self) { try InputText.checkForm("a=%0") }
    }

    @Test func jsonEscapesAreJudgedAsDecoded() throws {
        try InputText.checkJSON(Data(#"{"a":"\\u0000 is text","b":"\u00e9\t\n"}"#.utf8))
        #expect(throws: ProblemError.self) { try InputText.checkJSON(Data(#"{"a":"\u0000"}"#.utf8)) }
        #expect(throws: ProblemError.self) { try InputText.checkJSON(Data(#"{"\u001B":1}"#.utf8)) }
        #expect(throws: ProblemError.self) { try InputText.checkJSON(Data("{\"a\":\"\u{85}\"}".utf8)) }
    }
}
