import Foundation
import Logging
import OTel
import ShopPlatform

/// Benchmark-only measurements that need no network, run by `scripts/bench`.
///
/// `shop-bench log-line text|json [lines]`: the CPU one request log line costs
/// (`RequestLine.log`, the services' handler and metadata
/// provider, the sink and its writer thread), as process CPU (utime+stime)
/// with the logger at info minus the same loop at warning, divided by the
/// lines. Point standard output at a file, as the services' is.
let arguments = CommandLine.arguments.dropFirst()
guard arguments.first == "log-line", let format = arguments.dropFirst().first, ["text", "json"].contains(format)
else {
    FileHandle.standardError.write(Data("usage: shop-bench log-line text|json [lines]\n".utf8))
    exit(64)
}
let lines = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 200_000

LoggingSystem.bootstrap(
    { label, provider in
        ShopLogHandler(label: label, format: format == "json" ? .json : .text, metadataProvider: provider)
    },
    metadataProvider: OTel.makeLoggingMetadataProvider())

/// Process CPU in milliseconds, every thread included.
func cpuMilliseconds() -> Double {
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

/// CPU per line, in milliseconds, of `lines` request lines at `level`.
func measure(at level: Logger.Level) -> Double {
    var logger = Logger(label: "product-service")
    logger.logLevel = level
    logger[metadataKey: "hb.request.id"] = "6a2c0f1e9b8d47a3a1c5e2f4b6d8e0a2"
    let start = cpuMilliseconds()
    for index in 0..<lines {
        RequestLine.log(
            to: logger, method: "GET", route: "/health/live", path: "/health/live", status: 200,
            duration: .microseconds(900 + index % 100))
    }
    ShopLogHandler.flushOutput()
    return (cpuMilliseconds() - start) / Double(lines)
}

_ = measure(at: .info)  // warm-up: first-use costs stay out of the figures
var rounds: [Double] = []
for _ in 0..<5 { rounds.append(measure(at: .info) - measure(at: .warning)) }
let median = rounds.sorted()[rounds.count / 2]
let each = rounds.map { String(Int(($0 * 1_000_000).rounded())) + " ns" }.joined(separator: " ")
FileHandle.standardError.write(
    Data(
        ("per-request log line (\(format), in process): median \(Int((median * 1_000_000).rounded())) ns CPU (rounds \(each))\n")
            .utf8))
