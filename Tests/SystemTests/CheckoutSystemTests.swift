import Foundation
import ShopTestSupport
import Testing

/// Issue 4's scenarios across three real processes over real HTTP, on SQLite and
/// (in CI) PostgreSQL.
@Suite("Shop across processes", .serialized)
struct CheckoutSystemTests {
    @Test(arguments: TestBackend.available)
    func originalContractJourney(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let mug = try await shop.createProduct("mug", price: 1250, stock: 10)

        let created = try await HTTP.send(
            .POST, shop.users.baseURL + "/api/user/create",
            form: [
                ("first_name", "Ann"), ("last_name", "Lee"), ("email", "ann@example.com"), ("username", "ann"),
                ("password", "secret123"),
            ])
        #expect(created.json["message"] as? String == "User added")
        let login = try await HTTP.send(
            .POST, shop.users.baseURL + "/api/user/login", form: [("username", "ann"), ("password", "secret123")])
        let apiKey = try #require(login.json["api_key"] as? String)
        let auth = ["Authorization": "Basic \(apiKey)"]

        for quantity in ["2", "1"] {
            let added = try await HTTP.send(
                .POST, shop.orders.baseURL + "/api/order/add-item", headers: auth,
                form: [("product_id", "\(mug)"), ("qty", quantity)])
            #expect(added.status == 200, "\(added.text)")
        }
        let open = try await HTTP.send(.GET, shop.orders.baseURL + "/api/order", headers: auth)
        let items = try #require((open.json["result"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["quantity"] as? Int == 3)

        let checkout = try await HTTP.send(.POST, shop.orders.baseURL + "/api/order/checkout", headers: auth)
        #expect(checkout.status == 200, "\(checkout.text)")
        #expect((checkout.json["result"] as? [String: Any])?["is_open"] as? Bool == false)
        let after = try await HTTP.send(.GET, shop.orders.baseURL + "/api/order", headers: auth)
        #expect(after.json["message"] as? String == "No order found")
        #expect(try await shop.stock("mug") == 7)
    }

    @Test(arguments: TestBackend.available)
    func v1JourneyWithHistoryAndCancel(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let lamp = try await shop.createProduct("lamp", price: 5400, stock: 4)
        let token = try await shop.register("bea")
        #expect(try await shop.addToCart(lamp, 2, token: token).status == 201)
        let cart = try await HTTP.send(
            .GET, shop.orders.baseURL + "/v1/cart", headers: ["Authorization": "Bearer \(token)"])
        #expect(cart.json["subtotal_minor"] as? Int == 10_800)

        let placed = try await shop.checkout(token: token)
        #expect(placed.status == 201, "\(placed.text)")
        let id = try #require(placed.json["id"] as? Int)
        #expect(try await shop.stock("lamp") == 2)
        let history = try await HTTP.send(
            .GET, shop.orders.baseURL + "/v1/orders", headers: ["Authorization": "Bearer \(token)"])
        #expect((history.json["items"] as? [[String: Any]])?.first?["id"] as? Int == id)

        let cancelled = try await HTTP.send(
            .POST, shop.orders.baseURL + "/v1/orders/\(id)/cancel", headers: ["Authorization": "Bearer \(token)"])
        #expect(cancelled.json["status"] as? String == "cancelled")
        #expect(try await shop.stock("lamp") == 4, "stock restored")
    }

    /// 20 customers race for the last 5 units: exactly 5 orders, 15 clear 409s.
    @Test(arguments: TestBackend.available)
    func checkoutRaceForTheLastUnits(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let tee = try await shop.createProduct("limited-tee", stock: 5)
        var tokens: [String] = []
        for index in 0..<20 {
            let token = try await shop.register("racer\(index)")
            #expect(try await shop.addToCart(tee, 1, token: token).status == 201)
            tokens.append(token)
        }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for token in tokens { group.addTask { try await shop.checkout(token: token).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 5)
        #expect(statuses.filter { $0 == 409 }.count == 15)
        #expect(try await shop.stock("limited-tee") == 0)
        #expect(try await shop.allOrders(status: "placed").count == 5)
    }

    /// product-service is SIGKILLed while checkouts are in flight, then restarted:
    /// once the reconciler has run nothing is pending and no unit is lost or
    /// sold twice.
    @Test(arguments: TestBackend.available)
    func productServiceKilledMidCheckout(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let startingStock = 30
        let mug = try await shop.createProduct("mug", stock: startingStock)
        var tokens: [String] = []
        for index in 0..<12 {
            let token = try await shop.register("buyer\(index)")
            #expect(try await shop.addToCart(mug, 2, token: token).status == 201)
            tokens.append(token)
        }
        // Statuses by customer (a task group yields in completion order).
        let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask { (index, (try? await shop.checkout(token: token).status) ?? -1) }
            }
            try await Task.sleep(for: .milliseconds(30))
            try await shop.killProductService()
            var byCustomer = Array(repeating: 0, count: tokens.count)
            for try await (index, status) in group { byCustomer[index] = status }
            return byCustomer
        }
        #expect(statuses.allSatisfy { [201, 503].contains($0) }, "clear answers only: \(statuses)")
        try await shop.restartProductService()

        // The reconciler releases or completes whatever the crash left behind.
        let deadline = ContinuousClock.now + .seconds(30)
        var settled = false
        while ContinuousClock.now < deadline {
            let pending = try await shop.allOrders(status: "pending")
            let placed = try await shop.allOrders(status: "placed")
            let placedUnits = placed.flatMap { $0["items"] as? [[String: Any]] ?? [] }
                .reduce(0) { $0 + ($1["quantity"] as? Int ?? 0) }
            if pending.isEmpty, try await shop.stock("mug") + placedUnits == startingStock {
                settled = true
                break
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(settled, "stock + placed units never returned to \(startingStock)")
        // Everyone who got a 503 still has their cart and can check out now.
        // (A client honours Retry-After: the circuit breaker may still be cooling down.)
        for (token, status) in zip(tokens, statuses) where status != 201 {
            var retry = try await shop.checkout(token: token)
            for _ in 0..<20 where retry.status == 503 {
                try await Task.sleep(for: .milliseconds(250))
                retry = try await shop.checkout(token: token)
            }
            #expect(retry.status == 201, "\(retry.text)")
        }
        let placedUnits = try await shop.allOrders(status: "placed").flatMap { $0["items"] as? [[String: Any]] ?? [] }
            .reduce(0) { $0 + ($1["quantity"] as? Int ?? 0) }
        #expect(placedUnits == 24)
        #expect(try await shop.stock("mug") == startingStock - 24)
    }

    /// The client sends a checkout and drops the connection before the answer;
    /// retrying with the same key returns the one order that was placed.
    @Test(arguments: TestBackend.available)
    func replayAfterADroppedResponse(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let pen = try await shop.createProduct("pen", stock: 10)
        let token = try await shop.register("dora")
        #expect(try await shop.addToCart(pen, 3, token: token).status == 201)

        try RawHTTP.sendAndHangUp(
            port: shop.orders.port,
            request: "POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Idempotency-Key: dropped-1\r\nContent-Length: 0\r\n\r\n",
            after: .milliseconds(500))
        let retry = try await shop.checkout(token: token, key: "dropped-1")
        #expect(retry.status == 201, "\(retry.text)")
        let again = try await shop.checkout(token: token, key: "dropped-1")
        #expect(again.json["id"] as? Int == retry.json["id"] as? Int)
        #expect(try await shop.stock("pen") == 7, "placed exactly once")
        #expect(try await shop.allOrders(status: "placed").count == 1)
    }

    @Test(arguments: TestBackend.available)
    func usersCannotTouchEachOthersOrders(backend: TestBackend) async throws {
        let shop = try await ShopCluster(backend)
        defer { shop.stop() }
        let pen = try await shop.createProduct("pen", stock: 10)
        let alice = try await shop.register("alice")
        let mallory = try await shop.register("mallory")
        #expect(try await shop.addToCart(pen, 1, token: alice).status == 201)
        let order = try await shop.checkout(token: alice)
        let id = try #require(order.json["id"] as? Int)
        let number = try #require(order.json["number"] as? String)

        let asMallory = ["Authorization": "Bearer \(mallory)"]
        #expect(try await HTTP.send(.GET, shop.orders.baseURL + "/v1/orders/\(id)", headers: asMallory).status == 404)
        #expect(
            try await HTTP.send(.GET, shop.orders.baseURL + "/v1/orders/\(number)", headers: asMallory).status == 404)
        #expect(
            try await HTTP.send(.POST, shop.orders.baseURL + "/v1/orders/\(id)/cancel", headers: asMallory).status
                == 404)
        #expect(try await shop.checkout(token: mallory).status == 404, "Mallory has no cart; Alice's is not hers")
        let list = try await HTTP.send(.GET, shop.orders.baseURL + "/v1/orders", headers: asMallory)
        #expect((list.json["items"] as? [Any])?.isEmpty == true)
        let aliceView = try await HTTP.send(
            .GET, shop.orders.baseURL + "/v1/orders/\(id)", headers: ["Authorization": "Bearer \(alice)"])
        #expect(aliceView.json["status"] as? String == "placed")
    }
}

/// Raw TCP to a service, for what an HTTP client will not do (hang up early,
/// send half a request).
enum RawHTTP {
    /// A connected socket to a loopback port; the caller closes it.
    static func open(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw SystemTestError("cannot connect to \(port)")
        }
        return fd
    }

    /// Writes raw bytes and closes without reading the answer.
    static func sendAndHangUp(port: Int, request: String, after delay: Duration) throws {
        let fd = try open(port: port)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw SystemTestError("short write") }
        let (seconds, attoseconds) = delay.components
        usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
}
