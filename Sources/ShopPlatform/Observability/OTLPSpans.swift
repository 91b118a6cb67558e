import Foundation

/// Spans read from an OTLP/HTTP JSON export (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`),
/// for `shop up --trace`, which collects them itself, and for tests.
public struct ExportedSpan: Sendable, Equatable {
    public var service: String
    public var name: String
    /// Lowercase hex, as log lines print them.
    public var traceID: String
    public var spanID: String
    public var parentID: String?
    public var startNanos: UInt64
    public var endNanos: UInt64
    /// The span answered a request (SPAN_KIND_SERVER), rather than made one or
    /// stood for internal work.
    public var isServer: Bool

    public var milliseconds: Double { Double(endNanos &- startNanos) / 1_000_000 }

    /// Every span in one export body; an unreadable body has none.
    public static func parse(_ export: Data) -> [ExportedSpan] {
        guard let root = try? JSONSerialization.jsonObject(with: export) as? [String: Any] else { return [] }
        var spans: [ExportedSpan] = []
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let attributes = (resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
            let service =
                attributes.first { $0["key"] as? String == "service.name" }
                .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String } ?? "?"
            for scope in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] {
                    guard let trace = span["traceId"] as? String, let id = span["spanId"] as? String else { continue }
                    spans.append(
                        ExportedSpan(
                            service: service, name: span["name"] as? String ?? "", traceID: hex(trace),
                            spanID: hex(id),
                            parentID: (span["parentSpanId"] as? String).flatMap { $0.isEmpty ? nil : hex($0) },
                            startNanos: nanos(span["startTimeUnixNano"]), endNanos: nanos(span["endTimeUnixNano"]),
                            isServer: isServerKind(span["kind"])))
                }
            }
        }
        return spans
    }

    /// OTLP/JSON ids are hex; protobuf's JSON mapping would give base64: both are read.
    static func hex(_ id: String) -> String {
        if id.count == 32 || id.count == 16, id.allSatisfy(\.isHexDigit) { return id.lowercased() }
        guard let bytes = Data(base64Encoded: id) else { return id }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// SPAN_KIND_SERVER is 2, or its name in some encoders.
    static func isServerKind(_ value: Any?) -> Bool {
        (value as? NSNumber)?.intValue == 2 || (value as? String) == "SPAN_KIND_SERVER"
    }

    /// 64-bit times travel as strings in OTLP/JSON.
    static func nanos(_ value: Any?) -> UInt64 {
        (value as? String).flatMap(UInt64.init) ?? (value as? NSNumber)?.uint64Value ?? 0
    }
}

/// The spans of one trace as an indented tree, children by start time:
/// `service  name  duration` per line.
public enum SpanTree {
    public static func render(_ spans: [ExportedSpan]) -> [String] {
        let ids = Set(spans.map(\.spanID))
        let children = Dictionary(grouping: spans.filter { $0.parentID.map(ids.contains) ?? false }) { $0.parentID! }
        let roots = spans.filter { !($0.parentID.map(ids.contains) ?? false) }.sorted { $0.startNanos < $1.startNanos }
        var lines: [String] = []
        func walk(_ span: ExportedSpan, depth: Int) {
            let label = String(repeating: "  ", count: depth) + span.service
            lines.append(
                "\(label.padding(toLength: max(label.count, 24), withPad: " ", startingAt: 0)) "
                    + "\(span.name.padding(toLength: max(span.name.count, 28), withPad: " ", startingAt: 0)) "
                    + String(format: "%8.2f ms", span.milliseconds))
            for child in (children[span.spanID] ?? []).sorted(by: { $0.startNanos < $1.startNanos }) {
                walk(child, depth: depth + 1)
            }
        }
        for root in roots { walk(root, depth: 0) }
        return lines
    }
}
