import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import OrderService
import ProductService
import ShopPlatform
import ShopTestSupport
import Testing
import UserService

@testable import Frontend

/// The frontend under test in front of real user-, product- and order-services,
/// each running live in this process on its own SQLite database.
struct FrontendHarness: Sendable {
    static let adminUsername = TestShop.adminUsername
    static let adminPassword = TestShop.adminPassword
    static let sessionKey = Data(repeating: 7, count: 32).base64EncodedString()

    let urls: [String: String]
    let environment: [String: String]

    /// An access token from user-service itself, as an API client would sign in
    /// (deadlines for a loaded full run: a login's bcrypt waits its turn).
    func accessToken(username: String, password: String) async throws -> String {
        let users = ServiceClient(
            baseURL: try #require(urls["user"]), target: "user-service", timeout: .seconds(30))
        let login = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
        let session = try await users.send(.post, "/v1/sessions", body: login, idempotent: false)
        return try #require(
            (try JSONSerialization.jsonObject(with: Data(buffer: session.body)) as? [String: Any])?["access_token"]
                as? String)
    }

    /// `settings` configure the frontend, `userSettings` user-service, and
    /// `shopSettings` every service (e.g. `SHOP_CURRENCY`).
    static func run(
        settings: [String: String] = [:], userSettings: [String: String] = [:],
        shopSettings: [String: String] = [:], seed: Bool = true,
        _ body: @Sendable (Browser, FrontendHarness) async throws -> Void
    ) async throws {
        // Deadlines for a loaded full run, not for a dead backend (tests of that set their own).
        let plan = TestShop(
            shared: shopSettings,
            settings: [
                .userService: userSettings,
                .productService: ["SEED_DEMO": seed ? "true" : "false", "CATALOGUE_CACHE_MS": "0"],
                .orderService: ["PRODUCT_SERVICE_TIMEOUT_MS": "10000", "CATALOGUE_CACHE_MS": "0"],
                .frontend: ["SESSION_KEY": sessionKey, "BACKEND_TIMEOUT_MS": "10000"].merging(settings) { $1 },
            ])
        try await plan.run([UserServiceEntry.self, ProductServiceEntry.self, OrderServiceEntry.self]) { shop in
            let environment = plan.environment(for: .frontend, urls: shop.urls)
            let harness = FrontendHarness(
                urls: [
                    "user": shop.urls[.userService]!, "product": shop.urls[.productService]!,
                    "order": shop.urls[.orderService]!,
                ], environment: environment)
            let frontend = try await buildFrontend(reader: .shop(arguments: ["t"], environment: environment))
            try await frontend.testRouter("frontend") { client in try await body(Browser(client: client), harness) }
        }
    }
}

/// A minimal browser over the test client: keeps the session cookie, reads the
/// CSRF token from the last page, submits forms, and does not follow redirects
/// (tests look at them).
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private let lock = NSLock()
    private var cookie: String?
    private var lastPage = ""

    init(client: any TestClientProtocol) {
        self.client = client
    }

    var sessionCookie: String? { lock.withLock { cookie } }
    var csrf: String? {
        lock.withLock {
            guard let range = lastPage.range(of: #"name="_csrf" value=""#) else { return nil }
            return String(lastPage[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    func setCookie(_ value: String?) { lock.withLock { cookie = value } }

    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    /// Posts a form, adding the page's CSRF token unless `csrf` overrides it.
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)] = [], csrf override: String? = nil, withCSRF: Bool = true)
        async throws -> TestResponse
    {
        var all = fields
        if withCSRF, let token = override ?? csrf { all.append(("_csrf", token)) }
        return try await send(
            uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: .form(all))
    }

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
        -> TestResponse
    {
        var headers = headers
        if let cookie = sessionCookie { headers[.cookie] = "\(SessionCookie.name)=\(cookie)" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        if let header = response.headers[.setCookie], header.hasPrefix(SessionCookie.name + "=") {
            let value = header.dropFirst(SessionCookie.name.count + 1).prefix { $0 != ";" }
            setCookie(String(value))
        }
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            let text = response.text
            lock.withLock { lastPage = text }
        }
        return response
    }

    /// Logs in through the login form.
    func logIn(_ username: String, _ password: String) async throws {
        try await get("/login")
        let response = try await post("/login", [("username", username), ("password", password)])
        #expect(response.status == .seeOther, "\(response.text)")
    }

    func register(_ username: String, password: String = "password-123") async throws {
        try await get("/register")
        let response = try await post(
            "/register",
            [
                ("username", username), ("email", "\(username)@example.com"), ("password", password),
                ("first_name", "Test"),
            ])
        #expect(response.status == .seeOther, "\(response.text)")
    }
}
