import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import OrderService

/// The same checkout sent twice at once (a double click, a retrying proxy).
@Suite("Concurrent checkouts")
struct ConcurrentCheckoutTests {
    /// Both answers are the first result or "still in progress", never "no open
    /// cart"; exactly one order is placed and stock is taken once.
    @Test(arguments: TestBackend.available)
    func theSameKeyTwiceAtOnceNeverAnswersNoCart(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let productID = try await harness.createProduct("kettle", stock: 100)
            for user in Int64(100)..<Int64(110) {
                let token = try await harness.token(user: user)
                #expect(try await client.addToCart(productID, 1, token: token).status == .created)
                let key = "double-click-\(user)"
                let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                    for _ in 0..<2 { group.addTask { try await client.checkout(token: token, key: key) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for answer in answers {
                    #expect(
                        answer.status == .created || answer.status == .conflict,
                        "user \(user): \(answer.status) \(answer.text)")
                    if answer.status == .conflict {
                        #expect((answer.json["detail"] as? String)?.contains("in progress") == true, "\(answer.text)")
                    }
                }
                #expect(answers.contains { $0.status == .created })
                // Afterwards the key names the one placed order.
                let replay = try await client.checkout(token: token, key: key)
                #expect(replay.status == .created)
                let orders = try await client.call(.get, "/v1/orders", token: token)
                #expect((orders.json["items"] as? [[String: Any]])?.count == 1)
            }
            #expect(try await harness.stock("kettle") == 90)
        }
    }
}
