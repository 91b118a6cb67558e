import Foundation
import Histogram
import ShopPlatform

/// The final figures of a `shop load` run: a table per endpoint on standard
/// output and, on request, the same as JSON.
struct LoadReport: Codable, Sendable {
    struct Row: Codable, Sendable {
        var endpoint: String
        var count: Int
        var rps: Double
        var p50Ms: Double
        var p90Ms: Double
        var p99Ms: Double
        var p999Ms: Double
        var maxMs: Double
        var errors: Int
        /// Answers by status ("200", "409", …) and "failed" for no answer at all.
        var statuses: [String: Int]

        enum CodingKeys: String, CodingKey {
            case endpoint, count, rps, errors, statuses
            case p50Ms = "p50_ms"
            case p90Ms = "p90_ms"
            case p99Ms = "p99_ms"
            case p999Ms = "p99_9_ms"
            case maxMs = "max_ms"
        }
    }

    var target: String
    var model: String
    var seconds: Double
    var journeys: Int
    /// Open model: journeys due while every shopper was busy, so not started.
    var notStarted: Int
    var endpoints: [Row]

    enum CodingKeys: String, CodingKey {
        case target, model, seconds, journeys, endpoints
        case notStarted = "not_started"
    }

    init(
        target: String, model: String, elapsed: Duration, journeys: Int, notStarted: Int,
        endpoints: [String: LoadRecorder.Endpoint]
    ) {
        let seconds = max(0.001, elapsed.inSeconds)
        self.target = target
        self.model = model
        self.seconds = seconds
        self.journeys = journeys
        self.notStarted = notStarted
        self.endpoints = endpoints.sorted { $0.key < $1.key }.map { name, endpoint in
            let latency = endpoint.latency
            func ms(_ percentile: Double) -> Double { Double(latency.valueAtPercentile(percentile)) / 1000 }
            var statuses = Dictionary(uniqueKeysWithValues: endpoint.statuses.map { (String($0.key), $0.value) })
            if endpoint.failures > 0 { statuses["failed"] = endpoint.failures }
            return Row(
                endpoint: name, count: Int(latency.totalCount), rps: Double(latency.totalCount) / seconds,
                p50Ms: ms(50), p90Ms: ms(90), p99Ms: ms(99), p999Ms: ms(99.9), maxMs: Double(latency.max) / 1000,
                errors: endpoint.errors, statuses: statuses)
        }
    }

    var table: String {
        func column(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func name(_ text: String) -> String { text.padding(toLength: 34, withPad: " ", startingAt: 0) }
        let headings = ["count", "rps", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"]
        var lines = [name("endpoint") + headings.map { column($0, 9) }.joined() + "  errors by status"]
        for row in endpoints {
            let errors = row.statuses.filter { $0.key == "failed" || (Int($0.key) ?? 0) >= 400 }
                .sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            let figures =
                [String(row.count), String(format: "%.1f", row.rps)]
                + [row.p50Ms, row.p90Ms, row.p99Ms, row.p999Ms, row.maxMs].map { String(format: "%.2f", $0) }
            lines.append(
                name(row.endpoint) + figures.map { column($0, 9) }.joined() + "  " + (errors.isEmpty ? "none" : errors))
        }
        let total = endpoints.reduce(0) { $0 + $1.count }
        lines.append(
            "\(total) requests, \(journeys) journeys in \(String(format: "%.1f", seconds)) s "
                + "(\(String(format: "%.1f", Double(total) / seconds)) requests/s), "
                + "\(endpoints.reduce(0) { $0 + $1.errors }) errors")
        if notStarted > 0 {
            lines.append("\(notStarted) journeys not started: every shopper was busy (raise --shoppers)")
        }
        return lines.joined(separator: "\n")
    }
}
