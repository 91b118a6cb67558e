import ArgumentParser
import Foundation
import Logging
import OTel
import ShopPlatform

/// Benchmark-only measurements that need no network, run by `scripts/bench`.
@main
struct ShopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop-bench", abstract: "Benchmark-only measurements, run by scripts/bench.",
        subcommands: [LogLineBench.self, BareServer.self])
}

/// The CPU one request log line costs (`RequestLine.log`, the services'
/// handler and metadata provider, the sink and its writer thread), as process
/// CPU (utime+stime) with the logger at info minus the same loop at warning,
/// divided by the lines. Point standard output at a file, as the services' is.
struct LogLineBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log-line")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument var format: Format
    @Argument var lines = 200_000

    func run() {
        LoggingSystem.bootstrap(
            { label, provider in
                ShopLogHandler(label: label, format: format == .json ? .json : .text, metadataProvider: provider)
            },
            metadataProvider: OTel.makeLoggingMetadataProvider())
        _ = measure(at: .info)  // warm-up: first-use costs stay out of the figures
        var rounds: [Double] = []
        for _ in 0..<5 { rounds.append(measure(at: .info) - measure(at: .warning)) }
        let median = rounds.sorted()[rounds.count / 2]
        let each = rounds.map { "\(Self.nanoseconds($0)) ns" }.joined(separator: " ")
        FileHandle.standardError.write(
            Data(
                "per-request log line (\(format), in process): median \(Self.nanoseconds(median)) ns CPU (rounds \(each))\n"
                    .utf8))
    }

    /// CPU per line, in milliseconds, of `lines` request lines at `level`.
    func measure(at level: Logger.Level) -> Double {
        var logger = Logger(label: ServiceDescriptor.productService.name)
        logger.logLevel = level
        logger[metadataKey: "hb.request.id"] = "6a2c0f1e9b8d47a3a1c5e2f4b6d8e0a2"
        let start = Self.cpuMilliseconds()
        for index in 0..<lines {
            RequestLine.log(
                to: logger, method: "GET", route: "/health/live", path: "/health/live", status: 200,
                duration: .microseconds(900 + index % 100))
        }
        ShopLogHandler.flushOutput()
        return (Self.cpuMilliseconds() - start) / Double(lines)
    }

    static func nanoseconds(_ milliseconds: Double) -> Int { Int((milliseconds * 1_000_000).rounded()) }

    /// Process CPU in milliseconds, every thread included.
    static func cpuMilliseconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        let seconds = Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec)
        let total = seconds * 1_000_000 + Int(usage.ru_utime.tv_usec) + Int(usage.ru_stime.tv_usec)
        return Double(total) / 1000
    }
}
