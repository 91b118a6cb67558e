import ArgumentParser
import Hummingbird
import Logging
import NIOCore

/// The framework's ceiling: a Hummingbird application with nothing of the
/// shop's (no middleware, no logging, no metrics) answering `/health/live`
/// with the services' body. `scripts/bench` measures every path against it.
struct BareServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-server", abstract: "Serves /health/live with bare Hummingbird.")

    @Option var port = 6099

    func run() async throws {
        let body = ByteBuffer(string: #"{"checks":{},"status":"ok"}"#)
        let router = Router()
        router.get("/health/live") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        var logger = Logger(label: "bare-server")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }
}
