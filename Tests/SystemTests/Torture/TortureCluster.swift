import Foundation
import ShopPlatform
import ShopTestSupport

/// The shop as the torture test runs it: user-service once, and product- and
/// order-service as `replicas` processes each sharing one database per service
/// (two on PostgreSQL), with faults injected into both. Every order replica has
/// its own product replica to call; buyers pick an order replica at random per
/// request, and every order replica runs the reconciler.
final class TortureCluster: Sendable {
    static let adminPassword = TestShop.adminPassword
    static let serviceToken = TestShop.serviceToken

    let users: ServiceProcess
    let products: [ServiceProcess]
    let orders: [ServiceProcess]
    let productDatabase: String
    let orderDatabase: String

    init(_ backend: TestBackend, replicas: Int) async throws {
        let plan = TestShop(
            shared: ["DATABASE_POOL_SIZE": "6"],
            settings: [
                .userService: ["LOGIN_MAX_FAILURES": "1000"],
                // Slow and failing reservations; every other route is left alone so
                // that an admin's adjustment is known to have happened or not.
                .productService: [
                    "CATALOGUE_CACHE_MS": "200",
                    "FAULTS": "route POST /v1/reservations delay=1200 3%; route * /v1/reservations error=503 3%",
                ],
                .orderService: [
                    "PRODUCT_SERVICE_TIMEOUT_MS": "1000", "PRODUCT_SERVICE_ATTEMPTS": "2", "BREAKER_THRESHOLD": "50",
                    "BREAKER_COOLDOWN_MS": "300", "RECONCILER_INTERVAL_MS": "300", "RECONCILER_GRACE_SECONDS": "1",
                    "FAULTS": "call POST /v1/reservations drop 5%",
                ],
            ])
        users = try await ServiceProcess(
            "user-service",
            environment: plan.environment(for: .userService, database: try await backend.makeDatabaseURL()))
        try await users.waitUntilReady()
        let userURL = users.baseURL
        productDatabase = try await backend.makeDatabaseURL()
        orderDatabase = try await backend.makeDatabaseURL()
        var products: [ServiceProcess] = []
        var orders: [ServiceProcess] = []
        for _ in 0..<replicas {
            let product = try await ServiceProcess(
                "product-service",
                environment: plan.environment(
                    for: .productService, database: productDatabase, urls: [.userService: userURL]))
            products.append(product)
            // Replicas of one service start together on one database (migrations lock).
            let order = try await ServiceProcess(
                "order-service",
                environment: plan.environment(
                    for: .orderService, database: orderDatabase,
                    urls: [.userService: userURL, .productService: product.baseURL]))
            orders.append(order)
        }
        self.products = products
        self.orders = orders
        for service in products + orders { try await service.waitUntilReady() }
    }

    func stop() {
        for service in orders + products + [users] { service.terminate() }
        for service in orders + products + [users] { service.stop() }
    }

    var anyOrders: ServiceProcess { orders.randomElement()! }
    var anyProducts: ServiceProcess { products.randomElement()! }

    func login(_ username: String, password: String) async throws -> String {
        let session = try await HTTP.send(
            .POST, users.baseURL + "/v1/sessions", json: ["username": username, "password": password])
        guard let token = session.json["access_token"] as? String else {
            throw SystemTestError("login \(username): \(session.text)")
        }
        return token
    }

    func register(_ username: String) async throws -> String {
        _ = try await HTTP.send(
            .POST, users.baseURL + "/v1/users",
            json: ["username": username, "email": "\(username)@example.com", "password": "password-123"])
        return try await login(username, password: "password-123")
    }
}
