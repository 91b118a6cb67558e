import ArgumentParser
import AsyncHTTPClient
import Configuration
import Foundation
import NIOCore
import ShopPlatform

/// `shop load`: drives a running shop with shoppers of its own and reports
/// latency per endpoint. Open model (`--rate`: journeys start on a fixed
/// schedule whatever the shop's speed, latency counted from when each was
/// due) or closed model (`--users`: each virtual user starts its next journey
/// when the last ends).
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put load on a running shop and report latency per endpoint.",
        discussion: """
            Creates its own accounts, tops up stock as orders use it, and stops after \
            --duration (or --journeys) plus the warm-up, whatever happens. Services are found \
            as `shop up` starts them, or at USER_SERVICE_URL, PRODUCT_SERVICE_URL, \
            ORDER_SERVICE_URL and FRONTEND_URL.
            """)

    @Option(help: "What to drive: v1 (the clean API), api (the original contract) or storefront (pages and forms).")
    var target: LoadTarget = .v1

    @Option(help: "Scenario weights: browse, cart, checkout, login.")
    var mix: LoadMix = .shopping

    @Option(help: "Open model: journeys started per second, on schedule.")
    var rate: Double?

    @Option(help: "Closed model: virtual users, each starting its next journey when the last ends.")
    var users: Int?

    @Option(help: "Seconds to measure, after the warm-up (at most 3600).")
    var duration: Double = 10

    @Option(help: "Stop after this many measured journeys instead (still bounded by --duration).")
    var journeys: Int?

    @Option(help: "Seconds of warm-up, run but not measured.")
    var warmUp: Double = 2

    @Option(help: "Accounts to create (at least one per user): an open run starts a journey only when one is free.")
    var shoppers: Int = 16

    @Option(help: "Write the final figures as JSON to this file.")
    var json: String?

    @Option(help: "Folder `shop up` keeps the admin password in (env SHOP_DATA_DIR), for stock top-ups.")
    var dataDir: String?

    func validate() throws {
        guard (rate == nil) != (users == nil) else { throw ValidationError("give either --rate or --users") }
        if let rate, !(rate >= 0.001 && rate <= 100_000) { throw ValidationError("--rate must be 0.001...100000") }
        if let journeys, journeys < 1 { throw ValidationError("--journeys must be at least 1") }
        if let users, !(1...10_000).contains(users) { throw ValidationError("--users must be 1...10000") }
        guard duration > 0, duration <= 3600, warmUp >= 0, warmUp <= 600 else {
            throw ValidationError("--duration must be in (0, 3600] and --warm-up in [0, 600]")
        }
        guard (1...10_000).contains(shoppers) else { throw ValidationError("--shoppers must be 1...10000") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let reader = ConfigReader.shop(arguments: ["shop"], environment: environment)
        let concurrency = users ?? min(1024, max(16, Int((rate ?? 1) * 2)))
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await drive(client: client, reader: reader)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func drive(client: HTTPClient, reader: ConfigReader) async throws {
        let setup = LoadSetup(client: client, reader: reader, target: target)
        let shop = try await setup.shop()
        let recorder = LoadRecorder()
        Self.say("signing in \(shoppers) shoppers…")
        // Each journey has an account to itself (no two share a cart): a closed
        // run needs one per user; an open run starts a journey only when one is free.
        let accounts = try await setup.shoppers(max(shoppers, users ?? 0), shop: shop, recorder: recorder)
        let pool = ShopperPool(accounts)
        let dataDirectory = URL(fileURLWithPath: dataDir ?? reader.string(forKey: "shop.data.dir", default: ".shop"))
        let topUp: Task<Void, Never>?
        do {
            topUp = try await setup.stockTopUp(shop: shop, dataDirectory: dataDirectory)
        } catch {
            topUp = nil
            Self.say("stock will not be topped up: \(error)")
        }

        let model = rate.map { "open, \($0) journeys/s" } ?? "closed, \(users!) users"
        Self.say("load on \(target.rawValue) (\(model), mix \(mix)): \(warmUp) s warm-up, then \(duration) s")
        let start = ContinuousClock.now
        let measureFrom = start + .milliseconds(Int(warmUp * 1000))
        let end = measureFrom + .milliseconds(Int(duration * 1000))
        let measuredJourneys = JourneyCount(limit: journeys)
        let progress = Task {
            try? await Task.sleep(until: measureFrom)
            recorder.startRecording()
            measuredJourneys.start()
            var last = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let now = recorder.progress()
                let window = ContinuousClock.now - last
                last = .now
                let rate = Double(now.windowRequests) / max(0.001, window.inSeconds)
                Self.say(
                    String(
                        format: "\r%5d s  %8.1f req/s  %6d errors  p99 %7.2f ms   ", now.elapsed.components.seconds,
                        rate, now.errors, now.windowP99), line: false)
            }
        }
        let journey = LoadJourney(
            client: client, recorder: recorder, shop: shop, target: target,
            shopper: LoadShopper(username: "", password: ""))
        let mix = self.mix
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let rate {
                let interval = Duration.nanoseconds(Int64(1e9 / rate))
                var due = start
                while due < end, !measuredJourneys.isDone {
                    try await Task.sleep(until: due)
                    let dueAt = due
                    // Every account busy: the generator, not the shop, is the limit.
                    // The journey is not started (so in-flight journeys stay bounded)
                    // and is reported as not started, never as shop latency.
                    guard let shopper = await pool.take() else {
                        if dueAt >= measureFrom { recorder.notStarted() }
                        due += interval
                        continue
                    }
                    group.addTask {
                        var random = SystemRandomNumberGenerator()
                        var journey = journey
                        journey.shopper = shopper
                        journey.due = dueAt
                        journey.measured = dueAt >= measureFrom
                        await journey.run(mix.pick(using: &random), random: &random)
                        await pool.give(journey.shopper)
                        measuredJourneys.count(journey.measured)
                    }
                    due += interval
                }
            } else {
                for _ in 0..<users! {
                    group.addTask {
                        var random = SystemRandomNumberGenerator()
                        while ContinuousClock.now < end, !measuredJourneys.isDone {
                            guard let shopper = await pool.take() else { return }
                            var journey = journey
                            journey.shopper = shopper
                            journey.measured = ContinuousClock.now >= measureFrom
                            await journey.run(mix.pick(using: &random), random: &random)
                            await pool.give(journey.shopper)
                            measuredJourneys.count(journey.measured)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        progress.cancel()
        topUp?.cancel()
        Self.say("")
        let report = LoadReport(
            target: target.rawValue, model: model, elapsed: .now - measureFrom, journeys: measuredJourneys.value,
            notStarted: recorder.journeysNotStarted, endpoints: recorder.snapshot())
        print(report.table)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Progress goes to standard error, so standard output holds only the table.
    static func say(_ text: String, line: Bool = true) {
        FileHandle.standardError.write(Data((line ? text + "\n" : text).utf8))
    }
}
