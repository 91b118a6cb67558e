import Foundation

/// Fault injection, for tests and game days: latency, errors and lost responses
/// on chosen routes a service answers and calls it makes.
///
/// Configured with `faults` (`FAULTS`), rules separated by `;`:
///
///     route POST /v1/reservations delay=4000
///     call DELETE /v1/reservations error=503 50%
///     route * /v1/cart drop 10%
///
/// - `route` applies to requests the service answers, `call` to requests it
///   sends to other services; then a method (or `*`) and a path prefix.
/// - `delay=<ms>` waits before handling or sending; `error=<status>` answers
///   with that status without handling or sending; `drop` handles or sends the
///   request but loses the response (a route holds it until the caller gives up,
///   a call throws as if the connection broke).
/// - An optional `<n>%` applies the rule to that share of matching requests.
///
/// Off unless configured, and refused in production mode.
public struct Faults: Sendable {
    public enum Side: String, Sendable {
        case route, call
    }

    public enum Effect: Sendable, Equatable {
        case delay(Duration)
        case error(Int)
        case drop
    }

    public struct Rule: Sendable {
        public let side: Side
        public let method: String?
        public let pathPrefix: String
        public let effect: Effect
        public let percent: Double
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let rule: String
        public let reason: String
        public var description: String { "faults: '\(rule)': \(reason)" }
    }

    public let rules: [Rule]
    public static let none = Faults(rules: [])
    public var isEmpty: Bool { rules.isEmpty }

    init(rules: [Rule]) {
        self.rules = rules
    }

    public init(parsing text: String) throws {
        var rules: [Rule] = []
        for raw in text.split(separator: ";") {
            let rule = raw.trimmingCharacters(in: .whitespaces)
            guard !rule.isEmpty else { continue }
            rules.append(try Self.parse(rule))
        }
        self.rules = rules
    }

    /// The effect to apply to this request, if a rule matches and its share comes up.
    public func effect(on side: Side, method: String, path: String) -> Effect? {
        for rule in rules where rule.side == side && path.hasPrefix(rule.pathPrefix) {
            if let expected = rule.method, expected != method { continue }
            if rule.percent >= 100 || Double.random(in: 0..<100) < rule.percent { return rule.effect }
        }
        return nil
    }

    private static func parse(_ rule: String) throws -> Rule {
        let words = rule.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        func fail(_ reason: String) -> ParseError { ParseError(rule: rule, reason: reason) }
        guard words.count == 4 || words.count == 5 else {
            throw fail("expected '<route|call> <METHOD|*> <path prefix> <effect> [<n>%]'")
        }
        guard let side = Side(rawValue: words[0]) else { throw fail("starts with route or call") }
        let method = words[1] == "*" ? nil : words[1].uppercased()
        guard words[2].hasPrefix("/") else { throw fail("the path prefix starts with /") }
        let effect: Effect
        if words[3] == "drop" {
            effect = .drop
        } else if words[3].hasPrefix("delay="), let ms = Int(words[3].dropFirst(6)), (0...600_000).contains(ms) {
            effect = .delay(.milliseconds(ms))
        } else if words[3].hasPrefix("error="), let status = Int(words[3].dropFirst(6)), (400...599).contains(status) {
            effect = .error(status)
        } else {
            throw fail("the effect is delay=<ms>, error=<4xx/5xx status> or drop")
        }
        var percent = 100.0
        if words.count == 5 {
            guard words[4].hasSuffix("%"), let value = Double(words[4].dropLast()), (0...100).contains(value) else {
                throw fail("the share is written like 50%")
            }
            percent = value
        }
        return Rule(side: side, method: method, pathPrefix: words[2], effect: effect, percent: percent)
    }
}
