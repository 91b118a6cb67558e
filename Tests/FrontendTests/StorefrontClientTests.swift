import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOFoundationCompat
import ShopPlatform
import ShopTestSupport
import Testing

@testable import Frontend

@Suite("Backend errors")
struct BackendErrorTests {
    /// A call that fails before any answer says where it went, never what it
    /// carried: the generated client's own error describes the operation's input.
    @Test func aPasswordNeverReachesAnErrorMessage() async throws {
        let accounts = try CustomerAccounts(
            client: ServiceClient(baseURL: "http://127.0.0.1:9", target: "user-service", maxAttempts: 1))
        let password = "s3cret-in-an-error"
        let error = await #expect(throws: ServiceClient.Unavailable.self) {
            try await accounts.logIn(username: "ivy", password: password, requestID: nil)
        }
        #expect(error.map { !"\($0)".contains(password) && !String(reflecting: $0).contains(password) } == true)
    }
}

@Suite("Storefront clients")
struct StorefrontClientTests {
    /// Header parameters reach the provider exactly as given, though the OpenAPI
    /// runtime percent-encodes them: a checkout replayed with the same key, sent
    /// without the generated client, finds the order the generated client placed.
    @Test func anIdempotencyKeyArrivesAsItWasGiven() async throws {
        try await FrontendHarness.run { _, harness in
            // Deadlines for a loaded full run (a login's bcrypt waits its turn), as the harness's own.
            let users = ServiceClient(
                baseURL: try #require(harness.urls["user"]), target: "user-service", timeout: .seconds(30))
            let json = try JSONSerialization.data(withJSONObject: [
                "username": "kim", "email": "kim@example.com", "password": "password-123",
            ])
            _ = try await users.send(.post, "/v1/users", body: json, idempotent: false)
            let token = try await harness.accessToken(username: "kim", password: "password-123")

            let orderService = ServiceClient(
                baseURL: try #require(harness.urls["order"]), target: "order-service", timeout: .seconds(30))
            let orders = try CartsAndOrders(client: orderService)
            _ = try await orders.add(productID: 1, quantity: 1, token: token, requestID: nil)
            let key = #"k%41"x/y~"#
            let placed = try await orders.placeOrder(idempotencyKey: key, expecting: nil, token: token, requestID: nil)

            let replayed = try await orderService.send(
                .post, "/v1/orders", headers: [.idempotencyKey: key, .authorization: "Bearer \(token)"],
                idempotent: false)
            #expect(replayed.status == .created)
            let again = try JSONSerialization.jsonObject(with: Data(buffer: replayed.body)) as? [String: Any]
            #expect(again?["id"] as? Int == Int(placed.id), "the same key finds the same order")
        }
    }
}
