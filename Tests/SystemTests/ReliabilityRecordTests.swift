import Foundation
import Testing

/// RELIABILITY.md names the test behind every row; a renamed or deleted test
/// must take its row with it, so the record never claims what nothing checks.
@Suite("Reliability record")
struct ReliabilityRecordTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyTestItNamesExists() throws {
        let record = try String(contentsOf: Self.root.appendingPathComponent("RELIABILITY.md"), encoding: .utf8)
        let sources = try Self.testSources()
        let named = record.matches(of: /`([A-Z][A-Za-z]+Tests)(?:\.([a-zA-Z]+))?`/).map {
            (String($0.output.1), $0.output.2.map(String.init))
        }
        #expect(named.count >= 20, "found only \(named.count) test references")
        for (suite, test) in named {
            guard
                let file = sources.first(where: { $0.contains("struct \(suite) ") || $0.contains("struct \(suite){") })
            else {
                Issue.record("RELIABILITY.md names \(suite), which no test file declares")
                continue
            }
            if let test, !file.contains("func \(test)(") {
                Issue.record("RELIABILITY.md names \(suite).\(test), which does not exist")
            }
        }
    }

    static func testSources() throws -> [String] {
        let tests = root.appendingPathComponent("Tests")
        guard let walker = FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil) else { return [] }
        return try walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
            .map { try String(contentsOf: $0, encoding: .utf8) }
    }
}
