import Foundation
import ShopTestSupport
import Synchronization
import Testing

/// Many buyers and an admin at once, against replicas with faults injected; then
/// the invariant checker reads both databases. Bounded for CI; set
/// `TORTURE_SECONDS` (`scripts/torture --long N`) to run it for as long as asked.
@Suite("Torture", .serialized)
struct TortureTests {
    static let buyers = 30
    static let startingStock = 15
    static let prices: [Int64] = [250, 999, 1500, 4200, 75, 12_000]

    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func postgresWithTwoReplicasOfEachService() async throws {
        try await Self.run(.postgres, replicas: 2, seconds: Self.seconds(default: 20))
    }

    @Test func sqliteWithOneReplicaOfEachService() async throws {
        try await Self.run(.sqlite, replicas: 1, seconds: Self.seconds(default: 8))
    }

    static func seconds(default value: Int) -> Int {
        ProcessInfo.processInfo.environment["TORTURE_SECONDS"].flatMap(Int.init) ?? value
    }

    /// What the buyers and the admin did, and what they were answered.
    final class Tally: Sendable {
        let statuses = Mutex<[String: Int]>([:])
        let adjustments = Mutex<[Int64: Int]>([:])
        let problems = Mutex<[String]>([])

        func record(_ action: String, _ status: Int) {
            statuses.withLock { $0["\(action) \(status)", default: 0] += 1 }
            if status >= 500 && status != 503 { problems.withLock { $0.append("\(action) answered \(status)") } }
        }
    }

    static func run(_ backend: TestBackend, replicas: Int, seconds: Int) async throws {
        let shop = try await TortureCluster(backend, replicas: replicas)
        defer { shop.stop() }
        let admin = try await shop.login("admin", password: TortureCluster.adminPassword)
        var expected: [Int64: Int] = [:]
        var slugs: [Int64: String] = [:]
        for (index, price) in prices.enumerated() {
            let created = try await HTTP.send(
                .POST, shop.anyProducts.baseURL + "/v1/products", headers: ["Authorization": "Bearer \(admin)"],
                json: ["slug": "item-\(index)", "name": "Item \(index)", "price_minor": price, "stock": startingStock])
            let id = Int64(try #require(created.json["id"] as? Int, "\(created.text)"))
            expected[id] = startingStock
            slugs[id] = "item-\(index)"
        }
        var tokens: [String] = []
        for index in 0..<buyers { tokens.append(try await shop.register("buyer\(index)")) }

        let tally = Tally()
        let deadline = ContinuousClock.now + .seconds(seconds)
        let productIDs = Array(expected.keys)
        let slugByID = slugs
        try await withThrowingTaskGroup(of: Void.self) { group in
            for token in tokens {
                group.addTask {
                    try await Buyer(shop: shop, token: token, products: productIDs, tally: tally).shop(until: deadline)
                }
            }
            group.addTask {
                while ContinuousClock.now < deadline {
                    let id = productIDs.randomElement()!
                    let change = Int.random(in: -3...5)
                    let reply = try await HTTP.send(
                        .PATCH, shop.anyProducts.baseURL + "/v1/products/\(slugByID[id]!)",
                        headers: ["Authorization": "Bearer \(admin)"], json: ["stock_adjust": change])
                    tally.record("adjust", reply.status)
                    if reply.status == 200 {
                        tally.adjustments.withLock { $0[id, default: 0] += change }
                    } else if reply.status != 409 {
                        tally.problems.withLock {
                            $0.append("adjustment of unknown outcome: \(reply.status) \(reply.text)")
                        }
                    }
                    try await Task.sleep(for: .milliseconds(150))
                }
            }
            try await group.waitForAll()
        }
        for (id, change) in tally.adjustments.withLock({ $0 }) { expected[id, default: 0] += change }

        // The reconciler finishes what the faults left: wait for it, then check.
        let checker = InvariantChecker(productDatabase: shop.productDatabase, orderDatabase: shop.orderDatabase)
        var report = try await checker.check(expected: expected)
        let settleBy = ContinuousClock.now + .seconds(90)
        while !report.unsettled.isEmpty, report.violations.isEmpty, ContinuousClock.now < settleBy {
            try await Task.sleep(for: .seconds(1))
            report = try await checker.check(expected: expected)
        }
        let summary = Self.summary(backend, replicas: replicas, seconds: seconds, tally: tally, report: report)
        print(summary)
        Self.save(summary, backend: backend)
        for problem in tally.problems.withLock({ $0 }) { Issue.record("\(problem)") }
        for violation in report.violations { Issue.record("invariant broken: \(violation)") }
        for unsettled in report.unsettled { Issue.record("not settled after 90 s: \(unsettled)") }
        #expect((report.counts["placed orders"] ?? 0) > 0, "the run placed no order at all")
    }

    static func summary(
        _ backend: TestBackend, replicas: Int, seconds: Int, tally: Tally, report: InvariantChecker.Report
    )
        -> String
    {
        let statuses = tally.statuses.withLock { $0 }.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        let counts = report.counts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        return
            ([
                "torture on \(backend.rawValue): \(buyers) buyers, \(replicas) replica(s) per service, \(seconds) s",
                "answers:",
            ] + statuses + ["checked:"] + counts
            + ["violations: \(report.violations.count)", "unsettled: \(report.unsettled.count)"]).joined(
                separator: "\n")
    }

    /// Kept beside the screenshots, for RELIABILITY.md's latest figures.
    static func save(_ summary: String, backend: TestBackend) {
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
            "test-output")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Data((summary + "\n").utf8).write(to: folder.appendingPathComponent("torture-\(backend.rawValue).txt"))
    }
}

/// One customer doing random things as fast as answers come back.
struct Buyer {
    let shop: TortureCluster
    let token: String
    let products: [Int64]
    let tally: TortureTests.Tally

    private var auth: [String: String] { ["Authorization": "Bearer \(token)"] }

    func shop(until deadline: ContinuousClock.Instant) async throws {
        var lastKey: String?
        var placed: [Int] = []
        while ContinuousClock.now < deadline {
            let orders = shop.anyOrders.baseURL
            switch Int.random(in: 0..<100) {
            case 0..<40:
                let reply = try await HTTP.send(
                    .POST, orders + "/v1/cart/items", headers: auth,
                    json: ["product_id": products.randomElement()!, "quantity": Int.random(in: 1...2)])
                tally.record("add", reply.status)
            case 40..<50:
                let reply = try await HTTP.send(
                    .PUT, orders + "/v1/cart/items/\(products.randomElement()!)", headers: auth,
                    json: ["quantity": Int.random(in: 0...3)])
                tally.record("set", reply.status)
            case 50..<75:
                let key = UUID().uuidString
                lastKey = key
                let reply = try await checkout(orders, key: key)
                if reply.status == 201, let id = reply.json["id"] as? Int { placed.append(id) }
            case 75..<82:
                if let lastKey { _ = try await checkout(orders, key: lastKey, action: "replay") }
            case 82..<88:
                // The same key from two tabs at once: one order at most, the same answer.
                let key = UUID().uuidString
                async let first = checkout(shop.anyOrders.baseURL, key: key, action: "twin")
                async let second = checkout(shop.anyOrders.baseURL, key: key, action: "twin")
                let (a, b) = try await (first, second)
                if a.status == 201, b.status == 201, a.json["id"] as? Int != b.json["id"] as? Int {
                    tally.problems.withLock { $0.append("one key placed two orders: \(a.text) / \(b.text)") }
                }
                // The twin of a placed checkout reports it or says it is in progress,
                // never "no open cart".
                if Set([a.status, b.status]) == [201, 404] {
                    tally.problems.withLock { $0.append("a twin of a placed checkout answered 404") }
                }
                if let id = (a.status == 201 ? a : b).json["id"] as? Int { placed.append(id) }
            case 88..<95:
                guard let id = placed.randomElement() else { continue }
                let reply = try await HTTP.send(.POST, orders + "/v1/orders/\(id)/cancel", headers: auth)
                tally.record("cancel", reply.status)
            default:
                tally.record("cart", try await HTTP.send(.GET, orders + "/v1/cart", headers: auth).status)
            }
        }
    }

    private func checkout(_ orders: String, key: String, action: String = "checkout") async throws -> HTTP.Reply {
        let reply = try await HTTP.send(
            .POST, orders + "/v1/orders", headers: auth.merging(["Idempotency-Key": key]) { $1 })
        tally.record(action, reply.status)
        return reply
    }
}
