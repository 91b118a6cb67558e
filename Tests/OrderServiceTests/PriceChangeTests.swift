import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

/// The price is the one at reservation. A checkout that names the total the
/// customer was shown is refused when a price changed since: nothing is
/// reserved, nothing placed, the cart stays. Before, the order was placed at
/// the new price, which the customer never saw.
@Suite("Prices changed at checkout")
struct PriceChangeTests {
    static func checkout(
        _ client: any TestClientProtocol, token: String, expecting total: Int64, currency: String = "USD",
        key: String = UUID().uuidString
    ) async throws -> TestResponse {
        try await client.call(
            .post, "/v1/orders", json: ["expected_total_minor": total, "currency": currency], token: token,
            headers: [HTTPField.Name("Idempotency-Key")!: key])
    }

    /// User 7's token, with `quantity` pens at $10.00 in their cart.
    static func penInCart(_ quantity: Int, _ client: any TestClientProtocol, _ harness: OrderServiceHarness)
        async throws -> (token: String, pen: Int)
    {
        let token = try await harness.token(user: 7)
        let pen = try await harness.createProduct("pen", price: 1000)
        #expect(try await client.addToCart(pen, quantity, token: token).status == .created)
        return (token, pen)
    }

    @Test(arguments: TestBackend.available)
    func aCheckoutExpectingAnOldTotalIsRefused(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let (token, _) = try await Self.penInCart(2, client, harness)
            try await harness.updateProduct("pen", ["price_minor": 1500])

            let refused = try await Self.checkout(client, token: token, expecting: 2000, key: "k1")
            #expect(refused.status == .conflict, "\(refused.text)")
            #expect(refused.json["type"] as? String == "https://microshop.dev/problems/prices-changed")
            #expect(refused.text.contains("$30.00") && refused.text.contains("$20.00"), "\(refused.text)")
            #expect(try await harness.stock("pen") == 10, "nothing stays reserved")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect(cart.json["subtotal_minor"] as? Int == 3000, "the cart is back, at the new price")
            let orders = try await client.call(.get, "/v1/orders", token: token)
            #expect((orders.json["items"] as? [Any])?.isEmpty == true, "no order: \(orders.text)")
            // The refusal is what the key answers from now on.
            let replay = try await Self.checkout(client, token: token, expecting: 3000, key: "k1")
            #expect(replay.status == .conflict)

            let placed = try await Self.checkout(client, token: token, expecting: 3000)
            #expect(placed.status == .created, "\(placed.text)")
            #expect(placed.json["total_minor"] as? Int == 3000)
            #expect(try await harness.stock("pen") == 8)
        }
    }

    /// The expected total is optional (the `/api` contract and older clients
    /// send none), and when sent it is checked like any input: a clear 4xx,
    /// nothing changed.
    @Test(arguments: TestBackend.available)
    func theExpectedTotalIsOptionalAndChecked(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let (token, _) = try await Self.penInCart(1, client, harness)
            let key = HTTPField.Name("Idempotency-Key")!
            for (body, status) in [
                (#"{"expected_total_minor": -1, "currency": "USD"}"#, HTTPResponse.Status.unprocessableContent),
                (#"{"expected_total_minor": 1000, "currency": "usd"}"#, .unprocessableContent),
                (#"{"expected_total_minor": 1000}"#, .unprocessableContent),
                (#"{"expected_total_minor": 9223372036854775808, "currency": "USD"}"#, .badRequest),
                (#"{"expected_total_minor": "#, .badRequest),
            ] {
                let response = try await client.execute(
                    uri: "/v1/orders", method: .post,
                    headers: [
                        .authorization: "Bearer \(token)", .contentType: "application/json", key: UUID().uuidString,
                    ],
                    body: ByteBuffer(string: body))
                #expect(response.status == status, "\(body): \(response.text)")
            }
            #expect(try await harness.stock("pen") == 10)
            let wrongCurrency = try await Self.checkout(client, token: token, expecting: 1000, currency: "EUR")
            #expect(wrongCurrency.status == .conflict, "\(wrongCurrency.text)")
            // Without an expected total, other fields are ignored, as they always were.
            let noExpectation = try await client.call(
                .post, "/v1/orders", json: ["currency": "XTS", "total_minor": 1], token: token,
                headers: [key: UUID().uuidString])
            #expect(noExpectation.status == .created, "\(noExpectation.text)")
            #expect(noExpectation.json["total_minor"] as? Int == 1000)
        }
    }

    /// When the release fails, the refused attempt still owes it: the
    /// reconciler gives the stock back, and the customer's lines stay in a cart.
    @Test func aReleaseThatFailsIsOwedToTheReconciler() async throws {
        try await OrderServiceHarness.run(.sqlite, settings: ["FAULTS": "call DELETE /v1/reservations error=503"]) {
            client, harness in
            let (token, _) = try await Self.penInCart(2, client, harness)
            try await harness.updateProduct("pen", ["price_minor": 1500])
            let refused = try await Self.checkout(client, token: token, expecting: 2000)
            #expect(refused.status == .conflict, "\(refused.text)")
            #expect(try await harness.stock("pen") == 8, "the release failed")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)

            // Owed, it is released at once: not only once the orphan sweep's grace has passed.
            try await ResilienceTests.reconcile(harness, grace: .seconds(3600))
            #expect(try await harness.stock("pen") == 10)
        }
    }

    /// The refusal is kept before the release, which may be slow: a retry of
    /// the key meanwhile gets the same refusal (it was "did not complete").
    @Test func aRetryDuringTheReleaseGetsTheSameRefusal() async throws {
        try await OrderServiceHarness.run(.sqlite, settings: ["FAULTS": "call DELETE /v1/reservations delay=5000"]) {
            client, harness in
            let (token, _) = try await Self.penInCart(1, client, harness)
            try await harness.updateProduct("pen", ["price_minor": 1500])
            async let first = Self.checkout(client, token: token, expecting: 1000, key: "k")
            try await Task.sleep(for: .milliseconds(500))  // the first has begun
            var retry = try await Self.checkout(client, token: token, expecting: 1000, key: "k")
            let started = ContinuousClock.now
            while retry.text.contains("still in progress"), ContinuousClock.now - started < .seconds(120) {
                try await Task.sleep(for: .milliseconds(50))
                retry = try await Self.checkout(client, token: token, expecting: 1000, key: "k")
            }
            #expect(retry.json["type"] as? String == "https://microshop.dev/problems/prices-changed", "\(retry.text)")
            #expect(try await first.status == .conflict)
        }
    }

    /// A checkout that crashed after product-service reserved at a new price is
    /// settled by the reconciler, which must not place a total the customer
    /// never confirmed. Before, the expected total was never stored, so the
    /// reconciler placed the order at the new price and the key answered 201.
    @Test(arguments: TestBackend.available)
    func noCrashedCheckoutIsPlacedAtATotalNobodyConfirmed(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let (token, pen) = try await Self.penInCart(2, client, harness)
            let orderID = try #require(try await client.call(.get, "/v1/cart", token: token).json["id"] as? Int)
            // Pending, expecting $20.00; the price changes; product-service
            // reserves at the new one, and the checkout dies before it compares.
            try await harness.withDatabase { database in
                let store = CheckoutStore(database: database)
                let expected = Money(minorUnits: 2000, currency: "USD")
                guard case .started(let order) = try await store.begin(userID: 7, key: "crash", expecting: expected),
                    let checkoutID = order.checkoutID
                else {
                    Issue.record("checkout did not start")
                    return
                }
                try await harness.updateProduct("pen", ["price_minor": 1500])
                let reserved = try await harness.reserve(
                    checkoutID: checkoutID, orderID: Int64(orderID), lines: [(pen, 2)])
                #expect(reserved.status == .created, "\(reserved.text)")
                let stock = try JSONDecoder.shop.decode(ReservedStock.self, from: Data(buffer: reserved.body))
                #expect(stock.totalMinor == 3000)
                #expect(try await store.place(orderID: order.id, reservation: stock) == nil, "the store's own guard")
            }

            try await ResilienceTests.reconcile(harness)
            let orders = try await client.call(.get, "/v1/orders", token: token)
            #expect((orders.json["items"] as? [Any])?.isEmpty == true, "nothing placed: \(orders.text)")
            #expect(try await harness.stock("pen") == 10, "the reservation went back")
            let cart = try await client.call(.get, "/v1/cart", token: token)
            #expect(cart.json["subtotal_minor"] as? Int == 3000, "the lines are in a cart again, at the new price")
            let replay = try await Self.checkout(client, token: token, expecting: 2000, key: "crash")
            #expect(replay.status == .conflict, "\(replay.text)")
        }
    }

    /// A retry of the key that read its record just before the attempt was set
    /// aside, or put back in the cart, with its refusal, then found the order
    /// so, answered "did not complete" (seen once in a loaded full run). It
    /// reads the record again.
    @Test(arguments: TestBackend.available)
    func aRetryThatReadTheKeyJustBeforeTheRefusalGetsIt(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            _ = try await Self.penInCart(1, client, harness)
            try await harness.withDatabase { database in
                let store = CheckoutStore(database: database)
                let checkout = Checkout(store: store, catalog: try harness.catalog(), logger: Logger(label: "test"))
                for (key, kind) in [("k1", "prices-changed"), ("k2", "insufficient-stock")] {
                    guard case .started(let order) = try await store.begin(userID: 7, key: key),
                        case .replay(let record) = try await store.begin(userID: 7, key: key)
                    else {
                        Issue.record("the checkout did not start, or the retry did not find its key")
                        return
                    }
                    // The first request ends the attempt with its refusal, after the
                    // retry read the key and before it reads the order.
                    let answer = try StoredProblem.answer(ProblemError(.conflict, "No", kind: kind), key: key)
                    let ended =
                        kind == "prices-changed"
                        ? try await store.abandon(orderID: order.id, answer: answer)
                        : try await store.revertToCart(orderID: order.id, answer: answer)
                    #expect(ended)
                    let replayed = try await checkout.replay(record, userID: 7, key: key)
                    guard case .refused(let problem) = replayed else {
                        Issue.record("answered \(replayed)")
                        return
                    }
                    #expect(problem.kind == kind)
                }
            }
        }
    }
}
