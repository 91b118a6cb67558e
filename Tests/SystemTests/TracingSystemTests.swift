import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopPlatform
import ShopTestSupport
import Synchronization
import Testing

/// A stand-in OpenTelemetry collector: records every OTLP/HTTP export, protobuf
/// or JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`).
final class FakeCollector: Sendable {
    let exports = Mutex<[Data]>([])

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            self.exports.withLock { $0.append(Data(buffer: body)) }
            // An empty ExportTraceServiceResponse, as a real collector answers.
            if request.headers[.contentType]?.hasPrefix("application/json") == true {
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// The spans of the JSON exports.
    func spans() -> [ExportedSpan] {
        exports.withLock { $0 }.flatMap(ExportedSpan.parse)
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

    /// With no endpoint configured, tracing starts no exporter (nothing is sent).
    @Test func tracingOffStartsNoExporter() throws {
        #expect(try ShopTracing.bootstrap(serviceName: "t", environment: [:]) == nil)
        #expect(try ShopTracing.bootstrap(serviceName: "t", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": ""]) == nil)
    }

    /// Issue 12: one storefront checkout is one trace across the frontend,
    /// order-service and product-service, with the reservation transaction
    /// inside it and every span linked to its parent; the log lines the
    /// checkout wrote carry its trace id.
    @Test func oneStorefrontCheckoutIsOneLinkedTraceAndItsLogsCarryIt() async throws {
        let collector = FakeCollector()
        try await collector.application().test(.live) { client in
            let otel = [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(client.port!)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "200",
            ]
            let shop = try await ShopCluster(
                .sqlite, orderSettings: otel, productSettings: otel, withFrontend: true, logLevel: "info",
                userSettings: otel, frontendSettings: otel.merging(["LOG_FORMAT": "json"]) { $1 })
            defer { shop.stop() }
            let site = try #require(shop.frontend).baseURL
            let lampID = try await shop.createProduct("traced-lamp", stock: 3)
            var cookie = try await FrontendSystemTests.session(site: site, username: "trace", shop: shop)
            let product = try await FrontendSystemTests.get(site + "/product/traced-lamp", cookie: &cookie)
            let added = try await HTTP.send(
                .POST, site + "/cart/add", headers: ["Cookie": cookie],
                form: [
                    ("product_id", "\(lampID)"), ("quantity", "1"), ("slug", "traced-lamp"),
                    ("_csrf", FrontendSystemTests.csrf(product)),
                ])
            #expect(added.status == 303)
            let summary = try await FrontendSystemTests.get(site + "/checkout", cookie: &cookie)
            let key = try #require(summary.range(of: #"name="idempotency_key" value=""#)).upperBound
            let placed = try await HTTP.send(
                .POST, site + "/checkout", headers: ["Cookie": cookie],
                form: [
                    ("_csrf", FrontendSystemTests.csrf(summary)),
                    ("idempotency_key", String(summary[key...].prefix { $0 != "\"" })),
                ])
            #expect(placed.status == 303, "\(placed.text)")

            var reservation: ExportedSpan?
            for _ in 0..<75 where reservation == nil {
                try await Task.sleep(for: .milliseconds(200))
                reservation = collector.spans().first { $0.name == "reserve stock" }
            }
            let reserve = try #require(reservation, "no reservation transaction span arrived")
            #expect(reserve.service == "product-service")
            // Let the other services' batches arrive too, then walk up the parents.
            var chain: [ExportedSpan] = [reserve]
            for _ in 0..<50 {
                let spans = Dictionary(
                    collector.spans().filter { $0.traceID == reserve.traceID }.map { ($0.spanID, $0) }
                ) { a, _ in a }
                chain = [reserve]
                while let parent = chain.last?.parentID, let span = spans[parent] { chain.append(span) }
                if chain.last?.service == "frontend" && chain.last?.parentID == nil { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let services = chain.map(\.service)
            #expect(services.first == "product-service")
            #expect(services.contains("order-service"))
            #expect(services.last == "frontend", "the chain ends at the storefront's span: \(services)")
            #expect(chain.last?.parentID == nil, "every parent was exported: \(chain.map(\.name))")

            // The request lines of that checkout, in each service's log, carry its
            // trace id: as text locally, as JSON lines (LOG_FORMAT=json) from the frontend.
            let traceID = reserve.traceID
            for (service, marker) in [(shop.orders, "path=/v1/orders"), (shop.products, "path=/v1/reservations")] {
                let lines = service.output.split(separator: "\n").filter { $0.contains(marker) && $0.contains("POST") }
                #expect(!lines.isEmpty, "\(service.name) logged the request")
                for line in lines { #expect(line.contains("trace_id=\(traceID)"), "\(service.name): \(line)") }
            }
            let frontendLines = try #require(shop.frontend).output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let checkoutLine = try #require(
                frontendLines.first { $0["path"] as? String == "/checkout" && $0["method"] as? String == "POST" },
                "the frontend's log is JSON lines")
            #expect(checkoutLine["trace_id"] as? String == traceID)
            #expect(checkoutLine["msg"] as? String == "request")
            #expect(checkoutLine["level"] as? String == "info")
            #expect((checkoutLine["ts"] as? String)?.hasSuffix("Z") == true)
        }
    }
}
