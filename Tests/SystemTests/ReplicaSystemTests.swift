import Foundation
import OrderService
import ProductService
import ShopPlatform
import ShopTestSupport
import Testing

/// Two replicas each of product- and order-service, sharing one PostgreSQL
/// database per service, as in a real deployment behind a load balancer.
@Suite("Replicas", .serialized)
struct ReplicaSystemTests {
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func replicasMigrateOnceAndNeverOversell() async throws {
        // Info lines: the test counts each replica's migrations in its log.
        let plan = TestShop(
            shared: ["DATABASE_POOL_SIZE": "6", "LOG_LEVEL": "info"],
            settings: [.userService: ["LOG_LEVEL": "warning"], .productService: ["CATALOGUE_CACHE_MS": "0"]])
        let users = try await ServiceProcess(
            "user-service",
            environment: plan.environment(for: .userService, database: try await TestBackend.postgres.makeDatabaseURL())
        )
        defer { users.stop() }
        let productPorts = [try ServiceProcess.freePort(), try ServiceProcess.freePort()]

        // Replicas of one service start at the same moment on one database.
        let productDB = try await TestBackend.postgres.makeDatabaseURL()
        var startedProducts: [ServiceProcess] = []
        for port in productPorts {
            startedProducts.append(
                try await ServiceProcess(
                    "product-service", port: port,
                    environment: plan.environment(
                        for: .productService, database: productDB, urls: [.userService: users.baseURL])))
        }
        let orderDB = try await TestBackend.postgres.makeDatabaseURL()
        var startedOrders: [ServiceProcess] = []
        for product in startedProducts {
            startedOrders.append(
                try await ServiceProcess(
                    "order-service",
                    environment: plan.environment(
                        for: .orderService, database: orderDB,
                        urls: [.userService: users.baseURL, .productService: product.baseURL])))
        }
        let (products, orders) = (startedProducts, startedOrders)
        defer { (orders + products).forEach { $0.stop() } }
        for service in [users] + products + orders { try await service.waitUntilReady() }

        // Each migration was applied by exactly one replica.
        // Info lines reach the log within the sink's 20 ms gather; a loaded machine gets more.
        try await Task.sleep(for: .milliseconds(500))
        let productMigrations = products.map { Self.count("applied migration", in: $0.output) }
        #expect(
            productMigrations.reduce(0, +) == ProductServiceEntry.migrations.count,
            "product-service migrations applied \(productMigrations)")
        let orderMigrations = orders.map { Self.count("applied migration", in: $0.output) }
        #expect(
            orderMigrations.reduce(0, +) == OrderServiceEntry.migrations.count,
            "order-service migrations applied \(orderMigrations)")

        let admin = try #require(
            try await HTTP.send(
                .POST, users.baseURL + "/v1/sessions", json: ["username": "admin", "password": "admin-password-1"]
            ).json["access_token"] as? String)
        let created = try await HTTP.send(
            .POST, products[0].baseURL + "/v1/products", headers: ["Authorization": "Bearer \(admin)"],
            json: ["slug": "replica-tee", "name": "Replica Tee", "price_minor": 2000, "stock": 5])
        let productID = try #require(created.json["id"] as? Int)
        // The other replica sees it at once: they share the database.
        #expect(try await HTTP.send(.GET, products[1].baseURL + "/v1/products/replica-tee").status == 200)

        // 20 customers; each fills the cart on one replica and checks out on the other.
        var tokens: [String] = []
        for index in 0..<20 {
            let username = "replica\(index)"
            _ = try await HTTP.send(
                .POST, users.baseURL + "/v1/users",
                json: ["username": username, "email": "\(username)@example.com", "password": "password-123"])
            let session = try await HTTP.send(
                .POST, users.baseURL + "/v1/sessions", json: ["username": username, "password": "password-123"])
            let token = try #require(session.json["access_token"] as? String)
            let added = try await HTTP.send(
                .POST, orders[index % 2].baseURL + "/v1/cart/items", headers: ["Authorization": "Bearer \(token)"],
                json: ["product_id": productID, "quantity": 1])
            #expect(added.status == 201, "\(added.text)")
            tokens.append(token)
        }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask {
                    try await HTTP.send(
                        .POST, orders[(index + 1) % 2].baseURL + "/v1/orders",
                        headers: ["Authorization": "Bearer \(token)", "Idempotency-Key": "replica-\(index)"]
                    ).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 5)
        #expect(statuses.filter { $0 == 409 }.count == 15)
        let stock = try await HTTP.send(
            .GET, products[1].baseURL + "/v1/products/replica-tee", headers: ["Authorization": "Bearer \(admin)"])
        #expect(stock.json["stock"] as? Int == 0)
        let placed = try await HTTP.send(
            .GET, orders[0].baseURL + "/v1/admin/orders?status=placed&limit=100",
            headers: ["Authorization": "Bearer \(admin)"])
        #expect((placed.json["items"] as? [Any])?.count == 5)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
