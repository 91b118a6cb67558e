import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Synchronization
import Testing

/// A stand-in OpenTelemetry collector: records every OTLP/HTTP export by service.
final class FakeCollector: Sendable {
    let exports = Mutex<[Data]>([])

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            self.exports.withLock { $0.append(Data(buffer: body)) }
            // An empty ExportTraceServiceResponse, as a real collector answers.
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Trace ids of the spans in exports that mention `service`. In OTLP protobuf
    /// a span starts with trace_id (field 1, 16 bytes) then span_id (field 2, 8 bytes).
    func traceIDs(of service: String) -> Set<Data> {
        let marker = Data(service.utf8)
        var ids: Set<Data> = []
        for export in exports.withLock({ $0 }) where export.range(of: marker) != nil {
            let bytes = [UInt8](export)
            var index = 0
            while index + 28 <= bytes.count {
                if bytes[index] == 0x0A, bytes[index + 1] == 0x10, bytes[index + 18] == 0x12, bytes[index + 19] == 0x08
                {
                    ids.insert(Data(bytes[(index + 2)..<(index + 18)]))
                    index += 28
                } else {
                    index += 1
                }
            }
        }
        return ids
    }
}

@Suite("Distributed tracing", .serialized)
struct TracingSystemTests {
    /// A checkout's trace starts in order-service and continues in product-service,
    /// and both export their spans over OTLP.
    @Test func checkoutTraceSpansOrderAndProductService() async throws {
        let collector = FakeCollector()
        try await collector.application().test(.live) { client in
            let endpoint = "http://127.0.0.1:\(client.port!)"
            let shop = try await ShopCluster(
                .sqlite,
                orderSettings: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"],
                productSettings: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"])
            defer { shop.stop() }
            let mug = try await shop.createProduct("traced-mug", stock: 5)
            let token = try await shop.register("tracy")
            #expect(try await shop.addToCart(mug, 1, token: token).status == 201)
            #expect(try await shop.checkout(token: token).status == 201)

            var shared: Set<Data> = []
            for _ in 0..<50 where shared.isEmpty {
                try await Task.sleep(for: .milliseconds(200))
                shared = collector.traceIDs(of: "order-service").intersection(collector.traceIDs(of: "product-service"))
            }
            #expect(!collector.traceIDs(of: "order-service").isEmpty, "order-service exported spans")
            #expect(
                !shared.isEmpty,
                "a trace continues from order-service into product-service (order traces: \(collector.traceIDs(of: "order-service").count), product traces: \(collector.traceIDs(of: "product-service").count), exports: \(collector.exports.withLock { $0.count }))"
            )
        }
    }
}
