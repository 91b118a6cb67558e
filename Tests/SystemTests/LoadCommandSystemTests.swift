import Foundation
import ShopTestSupport
import Testing

/// `shop load` against a running shop: each target, both models, every
/// scenario; its figures come out per endpoint, in a table and as JSON, and
/// what it reports placed is what the shop placed.
@Suite("The load generator", .serialized)
struct LoadCommandSystemTests {
    struct Report: Decodable {
        struct Row: Decodable {
            var endpoint: String
            var count: Int
            var errors: Int
            var statuses: [String: Int]
            var p99_ms: Double
        }
        var journeys: Int
        var endpoints: [Row]
    }

    static func load(_ cluster: ShopCluster, _ arguments: [String]) async throws -> (Report, String) {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let process = Process()
        process.executableURL = ServiceProcess.buildDirectory.appendingPathComponent("shop")
        process.arguments = ["load"] + arguments + ["--warm-up", "0", "--shoppers", "4", "--json", json.path]
        var environment = ProcessInfo.processInfo.environment
        environment["USER_SERVICE_URL"] = "http://127.0.0.1:\(cluster.users.port)"
        environment["PRODUCT_SERVICE_URL"] = "http://127.0.0.1:\(cluster.products.port)"
        environment["ORDER_SERVICE_URL"] = "http://127.0.0.1:\(cluster.orders.port)"
        environment["FRONTEND_URL"] = "http://127.0.0.1:\(try #require(cluster.frontend).port)"
        environment["SHOP_ADMIN_USERNAME"] = ShopCluster.adminUsername
        environment["SHOP_ADMIN_PASSWORD"] = ShopCluster.adminPassword
        process.environment = environment
        let output = try await ServiceProcess.launch(process, loggingAs: "shop-load")
        let status = try await ServiceProcess.exitStatus(of: process, timeout: .seconds(120))
        let text = try String(contentsOf: output, encoding: .utf8)
        try? FileManager.default.removeItem(at: output)
        try #require(status == 0, "shop load exited \(status):\n\(text)")
        return (try JSONDecoder().decode(Report.self, from: Data(contentsOf: json)), text)
    }

    @Test(arguments: [
        ("v1", ["--rate", "20"], "POST /v1/orders"),
        ("api", ["--users", "3"], "POST /api/order/checkout"),
        ("storefront", ["--users", "3"], "POST /checkout"),
    ])
    func everyScenarioRunsWithoutErrors(target: String, model: [String], checkout: String) async throws {
        let cluster = try await ShopCluster(.sqlite, withFrontend: true, seedDemo: true)
        defer { cluster.stop() }
        let (report, output) = try await Self.load(
            cluster,
            ["--target", target, "--duration", "3", "--mix", "browse=3,cart=2,checkout=2,login=1"] + model)

        #expect(report.journeys > 0)
        for row in report.endpoints {
            #expect(row.errors == 0, "\(row.endpoint): \(row.statuses)")
            #expect(row.count > 0 && row.p99_ms > 0)
        }
        let names = Set(report.endpoints.map(\.endpoint))
        #expect(names.contains(checkout), "\(names.sorted())")
        #expect(output.contains("requests/s"), "the table is printed:\n\(output)")

        // Every order the run saw placed is placed in the shop, once.
        let placed = report.endpoints.first { $0.endpoint == checkout }.map { row in
            row.statuses.filter { $0.key.hasPrefix("2") || $0.key.hasPrefix("3") }.values.reduce(0, +)
        }
        let orders = try await cluster.allOrders(status: "placed")
        #expect(orders.count == placed, "orders placed in the shop against checkouts answered")
    }

    /// Refused as usage errors (exit 64) before any account is made: not one
    /// model, a rate whose interval cannot be represented, a weight whose sum
    /// overflows, no journeys.
    @Test(arguments: [
        ["--rate", "5", "--users", "2"], ["--rate", "1e-300"],
        ["--users", "2", "--mix", "browse=9223372036854775807,cart=1"], ["--users", "1", "--journeys", "0"],
    ])
    func refusesOptionsThatCannotRun(arguments: [String]) async throws {
        let process = Process()
        process.executableURL = ServiceProcess.buildDirectory.appendingPathComponent("shop")
        process.arguments = ["load"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await ServiceProcess.launch(process)
        #expect(try await ServiceProcess.exitStatus(of: process) == 64)
    }
}
