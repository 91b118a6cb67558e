import Foundation
import Testing

/// A small W3C WebDriver client for chromedriver: enough to drive a real headless
/// Chromium through the shop like a person, and to take full-page screenshots.
final class WebDriver: Sendable {
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let driver: Process
    let base: String
    let sessionID: String

    /// Paths of the Debian packages `chromium` and `chromium-driver`.
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: chromium)
            && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    init() async throws {
        let port = try ServiceProcess.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromedriver)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await ServiceProcess.launch(process)
        self.driver = process
        self.base = "http://127.0.0.1:\(port)"
        var sessionID: String?
        for _ in 0..<100 where sessionID == nil {
            try await Task.sleep(for: .milliseconds(100))
            let reply = try? await HTTP.send(
                .POST, base + "/session",
                json: [
                    "capabilities": [
                        "alwaysMatch": [
                            "browserName": "chrome",
                            "goog:chromeOptions": [
                                "binary": Self.chromium,
                                "args": [
                                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                    "--window-size=1280,1000",
                                ],
                            ],
                        ]
                    ]
                ])
            sessionID = ((reply?.json["value"] as? [String: Any])?["sessionId"] as? String)
        }
        guard let sessionID else {
            process.terminate()
            throw SystemTestError("chromedriver did not start a session")
        }
        self.sessionID = sessionID
    }

    /// Ends the session and chromedriver; SIGKILL if it outlives SIGTERM by
    /// 2 s (left alone, chromedriver processes piled up across test runs).
    func quit() async {
        _ = try? await HTTP.send(.DELETE, "\(base)/session/\(sessionID)")
        driver.terminate()
        for _ in 0..<100 where driver.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
    }

    @discardableResult
    private func command(_ method: HTTP.NIOHTTP1Method, _ path: String, _ body: [String: Any]? = nil) async throws
        -> Any?
    {
        let reply = try await HTTP.send(
            method, "\(base)/session/\(sessionID)\(path)", json: body ?? (method == .POST ? [:] : nil))
        let value = reply.json["value"]
        if reply.status >= 400 {
            throw SystemTestError("WebDriver \(path): \((value as? [String: Any])?["message"] ?? reply.text)")
        }
        return value
    }

    func open(_ url: String) async throws { try await command(.POST, "/url", ["url": url]) }
    var currentURL: String { get async throws { try await command(.GET, "/url") as? String ?? "" } }
    var pageSource: String { get async throws { try await command(.GET, "/source") as? String ?? "" } }

    /// Waits up to `timeout` for the element: a click may still be navigating.
    func find(_ css: String, timeout: Duration = .seconds(5)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let value = try? await command(.POST, "/element", ["using": "css selector", "value": css])
            if let id = (value as? [String: Any])?[Self.elementKey] as? String { return id }
            guard ContinuousClock.now < deadline else { throw SystemTestError("no element \(css)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func exists(_ css: String) async throws -> Bool {
        let value = try await command(.POST, "/elements", ["using": "css selector", "value": css])
        return !((value as? [Any]) ?? []).isEmpty
    }

    func click(_ css: String) async throws {
        try await command(.POST, "/element/\(try await find(css))/click")
    }

    /// Clicks something that loads a new page and waits until that page is loaded.
    func clickAndWait(_ css: String, timeout: Duration = .seconds(10)) async throws {
        try await script("window.__microshopOldPage = true")
        try await click(css)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let state = try? await script(
                "return window.__microshopOldPage === undefined && document.readyState === 'complete'")
            if state as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SystemTestError("clicking \(css) did not load a page")
    }

    func type(_ css: String, _ text: String) async throws {
        let element = try await find(css)
        try await command(.POST, "/element/\(element)/clear")
        try await command(.POST, "/element/\(element)/value", ["text": text])
    }

    func text(_ css: String) async throws -> String {
        try await command(.GET, "/element/\(try await find(css))/text") as? String ?? ""
    }

    @discardableResult
    func script(_ source: String) async throws -> Any? {
        try await command(.POST, "/execute/sync", ["script": source, "args": []])
    }

    /// Full-page PNG: grows the window to the document's height first.
    func screenshot(to path: String) async throws {
        let height =
            try await command(
                .POST, "/execute/sync", ["script": "return document.documentElement.scrollHeight", "args": []]) as? Int
            ?? 1000
        try await command(.POST, "/window/rect", ["width": 1280, "height": min(max(height + 120, 600), 6000)])
        guard let base64 = try await command(.GET, "/screenshot") as? String, let data = Data(base64Encoded: base64)
        else {
            throw SystemTestError("no screenshot")
        }
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
        try await command(.POST, "/window/rect", ["width": 1280, "height": 1000])
    }
}
