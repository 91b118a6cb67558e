import Foundation
import Hummingbird
import Logging
import ShopPlatform
import Synchronization

/// `shop up --trace`: an OTLP/HTTP (JSON) endpoint inside `shop` that the
/// services export their spans to. Each request's span tree across the
/// processes is printed in the log stream once its trace has been quiet for a
/// moment, so a developer can follow one checkout with no collector installed.
/// Only requests are shown: not health probes, scrapes or background work.
final class TraceCollector: Sendable {
    private struct Pending {
        var spans: [ExportedSpan] = []
        let firstArrival = ContinuousClock.now
        var lastArrival = ContinuousClock.now
    }

    /// Bounds: a trace is printed at the latest this long after its first span
    /// (a client reusing one traceparent cannot keep one open for ever), with
    /// at most this many spans, and at most this many traces wait at once.
    static let maxAge: Duration = .seconds(10)
    static let maxSpans = 500
    static let maxTraces = 1000

    private let traces = Mutex<[String: Pending]>([:])

    func receive(_ export: Data) {
        let spans = ExportedSpan.parse(export)
        traces.withLock { traces in
            for span in spans {
                guard traces[span.traceID] != nil || traces.count < Self.maxTraces else { continue }
                traces[span.traceID, default: Pending()].lastArrival = .now
                if traces[span.traceID]!.spans.count < Self.maxSpans { traces[span.traceID]!.spans.append(span) }
            }
        }
    }

    /// Prints and forgets the traces that received nothing for `settle`.
    func flush(settle: Duration) {
        let now = ContinuousClock.now
        let finished = traces.withLock { traces in
            let quiet = traces.filter {
                now - $0.value.lastArrival >= settle || now - $0.value.firstArrival >= Self.maxAge
            }
            for id in quiet.keys { traces[id] = nil }
            return quiet.map { (id: $0.key, spans: $0.value.spans) }
        }
        for trace in finished.sorted(by: { Self.start($0.spans) < Self.start($1.spans) }) {
            // Requests only: background work (revocation polls, the reconciler)
            // starts with a client or internal span; probes and scrapes are noise.
            let ids = Set(trace.spans.map(\.spanID))
            let roots = trace.spans.filter { !($0.parentID.map(ids.contains) ?? false) }
            guard roots.contains(where: \.isServer),
                !trace.spans.contains(where: { $0.name.hasPrefix("/health/") || $0.name == "/metrics" })
            else { continue }
            Console.print(
                (["[trace \(trace.id)]"] + SpanTree.render(trace.spans).map { "  " + $0 }).joined(separator: "\n"))
        }
    }

    private static func start(_ spans: [ExportedSpan]) -> UInt64 { spans.map(\.startNanos).min() ?? 0 }

    /// Receives `POST /v1/traces` on the loopback `port`, and prints every half second.
    func run(port: Int) async throws {
        let router = Router()
        router.post("v1/traces") { request, _ -> Response in
            self.receive(Data(buffer: try await request.body.collect(upTo: 32 << 20)))
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        var logger = Logger(label: "shop-trace")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(500))
                    self.flush(settle: .seconds(1))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
