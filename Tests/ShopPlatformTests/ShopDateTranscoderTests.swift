import Foundation
import OpenAPIRuntime
import ShopPlatform
import Testing

/// The generated clients read dates as the services write them, and agree with
/// the runtime's own ISO 8601 transcoder on every form it accepts from us.
@Suite("Dates in the generated clients")
struct ShopDateTranscoderTests {
    struct Stamped: Codable, Equatable { var at: Date }

    @Test(arguments: [0, 1_764_326_400, 1_764_326_401, 4_102_444_799, -86_400])
    func readsWhatTheServicesWrite(seconds: Int) throws {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let json = try JSONEncoder.shop.encode(Stamped(at: date))
        let written = try #require(
            (try JSONSerialization.jsonObject(with: json) as? [String: String])?["at"])
        let transcoder = ShopDateTranscoder()
        #expect(try transcoder.decode(written) == date)
        #expect(try transcoder.decode(written) == ISO8601DateTranscoder().decode(written))
        #expect(try transcoder.encode(date) == written)
    }

    @Test func readsFractionalSecondsToo() throws {
        let date = try ShopDateTranscoder().decode("2026-11-28T10:00:00.250Z")
        #expect(date.timeIntervalSince1970 == 1_795_860_000.25)
    }

    @Test(arguments: [
        "", "yesterday", "2026-13-40T99:00:00Z", "2026-11-28", "2026-11-28T10:00:00Z\u{0}", "2026-11-28T10:00:00Zjunk",
        " 2026-11-28T10:00:00Z",
    ])
    func refusesWhatIsNotADate(text: String) {
        #expect(throws: (any Error).self) { try ShopDateTranscoder().decode(text) }
    }
}
