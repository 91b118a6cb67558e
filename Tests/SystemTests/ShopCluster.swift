import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

/// user-, product- and order-service as three real processes on free ports, each
/// with its own database of the chosen backend, wired together by URL like a
/// real deployment.
final class ShopCluster: Sendable {
    static let adminUsername = TestShop.adminUsername
    static let adminPassword = TestShop.adminPassword
    static let serviceToken = TestShop.serviceToken

    let backend: TestBackend
    let users: ServiceProcess
    let productEnvironment: [String: String]
    let productPort: Int
    let orders: ServiceProcess
    /// Started only when asked for (browser tests).
    let frontend: ServiceProcess?
    private let productBox: ProcessBox

    var products: ServiceProcess { productBox.current }

    /// Holds the product-service process, which tests kill and restart.
    final class ProcessBox: @unchecked Sendable {
        private let lock = NSLock()
        private var process: ServiceProcess
        init(_ process: ServiceProcess) { self.process = process }
        var current: ServiceProcess { lock.withLock { process } }
        func replace(_ new: ServiceProcess) { lock.withLock { process = new } }
    }

    init(
        _ backend: TestBackend, orderSettings: [String: String] = [:], productSettings: [String: String] = [:],
        withFrontend: Bool = false, seedDemo: Bool = false,
        database: (@Sendable () async throws -> String)? = nil, logLevel: String = "warning",
        userSettings: [String: String] = [:], frontendSettings: [String: String] = [:]
    ) async throws {
        TestPhase.mark("cluster: starting")
        let makeDatabase = database ?? backend.makeDatabaseURL
        self.backend = backend
        let plan = TestShop(
            shared: ["DATABASE_POOL_SIZE": "6", "REVOCATION_POLL_MS": "500", "LOG_LEVEL": logLevel],
            settings: [
                .userService: ["LOGIN_MAX_FAILURES": "100"].merging(userSettings) { $1 },
                .productService: ["CATALOGUE_CACHE_MS": "0", "SEED_DEMO": seedDemo ? "true" : "false"]
                    .merging(productSettings) { $1 },
                .orderService: [
                    "RECONCILER_INTERVAL_MS": "300", "RECONCILER_GRACE_SECONDS": "1",
                    "PRODUCT_SERVICE_TIMEOUT_MS": "1000",
                    "BREAKER_COOLDOWN_MS": "500", "CATALOGUE_CACHE_MS": "0",
                ].merging(orderSettings) { $1 },
                .frontend: frontendSettings,
            ])
        var urls: [ServiceDescriptor: String] = [:]
        /// Starts `service` with the URLs of those started before it.
        func start(_ service: ServiceDescriptor, port: Int? = nil, database: String? = nil) async throws
            -> ServiceProcess
        {
            let process = try await ServiceProcess(
                service.name, port: port, environment: plan.environment(for: service, database: database, urls: urls))
            urls[service] = process.baseURL
            return process
        }
        self.users = try await start(.userService, database: try await makeDatabase())
        self.productPort = try ServiceProcess.freePort()
        self.productEnvironment = plan.environment(
            for: .productService, database: try await makeDatabase(), urls: urls)
        self.productBox = ProcessBox(
            try await ServiceProcess("product-service", port: productPort, environment: productEnvironment))
        urls[.productService] = "http://127.0.0.1:\(productPort)"
        self.orders = try await start(.orderService, database: try await makeDatabase())
        if withFrontend {
            self.frontend = try await start(.frontend)
        } else {
            self.frontend = nil
        }
        for service in [users, products, orders] + (frontend.map { [$0] } ?? []) {
            TestPhase.mark("cluster: waiting for \(service.name)")
            try await service.waitUntilReady()
        }
        TestPhase.mark("cluster: ready")
    }

    func stop() {
        TestPhase.mark("cluster: stopping")
        let running = [frontend, orders, products, users].compactMap { $0 }
        for service in running { service.terminate() }
        for service in running { service.stop() }
        TestPhase.mark("cluster: stopped")
    }

    /// SIGKILLs product-service and starts it again on the same port and database.
    func killProductService() async throws {
        products.signal(SIGKILL)
        _ = try await products.waitForExit()
    }

    /// Starts product-service again, with `settings` added to its first environment.
    func restartProductService(settings: [String: String] = [:]) async throws {
        productBox.replace(
            try await ServiceProcess(
                "product-service", port: productPort, environment: productEnvironment.merging(settings) { $1 }))
        try await products.waitUntilReady()
    }

    /// Whether a service answers `/health/ready` with 200 now.
    static func isReady(_ service: ServiceProcess) async -> Bool {
        (try? await HTTP.send(.GET, service.baseURL + "/health/ready", timeout: .seconds(2)).status) == 200
    }

    // MARK: Shop actions over HTTP

    func register(_ username: String) async throws -> String {
        let created = try await HTTP.send(
            .POST, users.baseURL + "/v1/users",
            json: ["username": username, "email": "\(username)@example.com", "password": "password-123"])
        #expect(created.status == 201, "\(created.text)")
        return try await login(username, password: "password-123")
    }

    func login(_ username: String, password: String) async throws -> String {
        let session = try await HTTP.send(
            .POST, users.baseURL + "/v1/sessions", json: ["username": username, "password": password])
        return try #require(session.json["access_token"] as? String, "\(session.text)")
    }

    func adminToken() async throws -> String { try await login(Self.adminUsername, password: Self.adminPassword) }

    func createProduct(_ slug: String, price: Int = 1000, stock: Int) async throws -> Int {
        let response = try await HTTP.send(
            .POST, products.baseURL + "/v1/products", headers: ["Authorization": "Bearer \(try await adminToken())"],
            json: ["slug": slug, "name": slug.capitalized, "price_minor": price, "stock": stock])
        return try #require(response.json["id"] as? Int, "\(response.text)")
    }

    func stock(_ slug: String) async throws -> Int {
        let response = try await HTTP.send(
            .GET, products.baseURL + "/v1/products/\(slug)",
            headers: ["Authorization": "Bearer \(try await adminToken())"])
        return try #require(response.json["stock"] as? Int, "\(response.text)")
    }

    func addToCart(_ productID: Int, _ quantity: Int, token: String) async throws -> HTTP.Reply {
        try await HTTP.send(
            .POST, orders.baseURL + "/v1/cart/items", headers: ["Authorization": "Bearer \(token)"],
            json: ["product_id": productID, "quantity": quantity])
    }

    func checkout(token: String, key: String = UUID().uuidString) async throws -> HTTP.Reply {
        try await HTTP.send(
            .POST, orders.baseURL + "/v1/orders", headers: ["Authorization": "Bearer \(token)", "Idempotency-Key": key])
    }

    /// Every order in a status, across all users (admin view).
    func allOrders(status: String) async throws -> [[String: Any]] {
        let admin = try await adminToken()
        var all: [[String: Any]] = []
        var cursor: String?
        repeat {
            let page = try await HTTP.send(
                .GET,
                orders.baseURL + "/v1/admin/orders?limit=100&status=\(status)" + (cursor.map { "&cursor=\($0)" } ?? ""),
                headers: ["Authorization": "Bearer \(admin)"])
            all += page.json["items"] as? [[String: Any]] ?? []
            cursor = page.json["next_cursor"] as? String
        } while cursor != nil
        return all
    }
}
