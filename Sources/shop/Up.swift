import ArgumentParser
import AsyncHTTPClient
import Configuration
import Foundation
import ShopPlatform
import UnixSignals

/// `shop up` (the default): start every service as its own process with SQLite
/// under the data folder, wait until each is ready, print where they are, and
/// stop them all gracefully on Ctrl-C / SIGTERM or when one of them dies.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the whole shop (the default command).")

    @Option(help: "Folder for SQLite files, keys and the generated admin password (env SHOP_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Address the services bind to (env HTTP_HOST).")
    var host: String?

    @Flag(help: "Print each request's span tree across the services (spans are collected inside shop).")
    var trace = false

    @Option(help: "Loopback port of the --trace collector (OTLP/HTTP).")
    var tracePort = 4318

    enum Event: Sendable {
        case signal(String)
        case exited(String, Int32)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let reader = ConfigReader.shop(arguments: ["shop"], environment: environment)
        let dataDir = self.dataDir ?? reader.string(forKey: "shop.data.dir", default: ".shop")
        let host = self.host ?? reader.string(forKey: "http.host", default: "127.0.0.1")
        let dataURL = URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: dataURL, withIntermediateDirectories: true)
        let admin = try AdminCredentials.resolve(reader: reader, dataDirectory: dataURL)

        var childEnvironment = environment
        childEnvironment["SHOP_ADMIN_USERNAME"] = admin.username
        childEnvironment["SHOP_ADMIN_PASSWORD"] = admin.password
        childEnvironment["SERVICE_TOKEN"] =
            try environment["SERVICE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? LocalSecret.token(directory: dataURL.path, name: "service-token").load().secret
        for service in ServiceDescriptor.all { childEnvironment[service.urlVariable] = service.defaultURL(host: host) }
        childEnvironment["SEED_DEMO"] = "true"
        // Each child gets its own database on the command line; a DATABASE_URL
        // exported in this shell must not make them share one.
        childEnvironment["DATABASE_URL"] = nil
        var collector: Task<Void, Never>?
        if trace {
            for key in [
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_TRACES_SAMPLER",
            ] {
                childEnvironment[key] = nil
            }
            childEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:\(tracePort)"
            childEnvironment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json"
            childEnvironment["OTEL_BSP_SCHEDULE_DELAY"] = "300"
            let port = tracePort
            collector = Task {
                do {
                    try await TraceCollector().run(port: port)
                } catch {
                    Console.print("[shop] trace collector stopped: \(error)")
                }
            }
        }
        defer { collector?.cancel() }

        let (events, emit) = AsyncStream.makeStream(of: Event.self)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var children: [ChildProcess] = []
        for service in ServiceCatalog.all.map({ $0.descriptor }) {
            let child = ChildProcess(
                name: service.name, executable: executable,
                arguments: [
                    "serve", service.name, "--port", String(service.defaultPort), "--http-host", host,
                    "--data-dir", dataURL.path,
                    "--database-url", "sqlite://" + dataURL.appendingPathComponent("\(service.name).db").path,
                ],
                environment: childEnvironment)
            try child.start { child, status in emit.yield(.exited(child.name, status)) }
            children.append(child)
        }

        let signals = Task {
            for await signal in await UnixSignalsSequence(trapping: [.sigint, .sigterm]) {
                emit.yield(.signal(signal.description))
            }
        }
        defer { signals.cancel() }

        let ready = Task {
            for service in ServiceDescriptor.all {
                let url = service.defaultURL(host: host)
                guard try await Readiness.wait(for: url, timeout: .seconds(120), interval: .milliseconds(200)) else {
                    throw ValidationError("\(url) did not become ready within 120 seconds")
                }
            }
            Self.printSummary(host: host, admin: admin, dataDirectory: dataURL.path)
        }

        var exitCode: Int32 = 0
        for await event in events {
            switch event {
            case .signal(let name):
                Console.print("[shop] received \(name), stopping services")
            case .exited(let name, let status):
                Console.print("[shop] \(name) exited unexpectedly with status \(status); stopping the shop")
                exitCode = 1
            }
            break
        }
        ready.cancel()
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.stop() } }
        }
        Console.print("[shop] stopped")
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    static func printSummary(host: String, admin: AdminCredentials, dataDirectory: String) {
        var lines = ["", "Microshop is running:", ""]
        let shown = ["127.0.0.1", "0.0.0.0"].contains(host) ? "localhost" : host
        for service in ServiceDescriptor.all.sorted(by: { $0.defaultPort < $1.defaultPort }) {
            let role = service == .frontend ? "  <- the shop" : ""
            lines.append(
                "  \(service.name.padding(toLength: 18, withPad: " ", startingAt: 0))\(service.defaultURL(host: shown))\(role)"
            )
        }
        lines += [
            "",
            "  admin login       \(admin.username) / \(admin.password)\(admin.generated ? "  (generated, kept in \(dataDirectory)/admin-password)" : "")",
            "  data              \(dataDirectory)",
            "",
            "Press Ctrl-C to stop.",
            "",
        ]
        Console.print(lines.joined(separator: "\n"))
    }
}

/// The demo admin: from `SHOP_ADMIN_USERNAME`/`SHOP_ADMIN_PASSWORD`, else `admin`
/// with a password generated once and kept (0600) in the data folder.
struct AdminCredentials {
    let username: String
    let password: String
    let generated: Bool

    static func resolve(reader: ConfigReader, dataDirectory: URL) throws -> AdminCredentials {
        let username = reader.string(forKey: "shop.admin.username", default: "admin")
        if let password = reader.string(forKey: "shop.admin.password", isSecret: true), !password.isEmpty {
            return AdminCredentials(username: username, password: password, generated: false)
        }
        let password = try LocalSecret.token(directory: dataDirectory.path, name: "admin-password").load().secret
        return AdminCredentials(username: username, password: password, generated: true)
    }
}
