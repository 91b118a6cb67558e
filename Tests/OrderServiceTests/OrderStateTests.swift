import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SQLKit
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

@Suite("Order states")
struct OrderStateTests {
    /// A row whose status no release wrote (hand-edited, or from a newer release)
    /// is an error to read, not silently shown as some valid state.
    @Test(arguments: TestBackend.available)
    func anUnknownStatusIsAnErrorNotACart(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let mug = try await harness.createProduct("mug")
            let token = try await harness.token(user: 7)
            try await client.addToCart(mug, 1, token: token)
            #expect(try await client.checkout(token: token).status == .created)
            #expect(try await client.call(.get, "/v1/orders", token: token).status == .ok)

            try await harness.withDatabase(poolSize: 1) { database in
                try await database.withConnection { db in
                    switch backend {
                    case .sqlite: try await db.raw("PRAGMA ignore_check_constraints = ON").run()
                    case .postgres: try await db.raw("ALTER TABLE orders DROP CONSTRAINT orders_status_check").run()
                    }
                    try await db.raw("UPDATE orders SET status = 'archived' WHERE user_id = 7").run()
                }
            }
            let history = try await client.call(.get, "/v1/orders", token: token)
            #expect(history.status == .internalServerError, "\(history.text)")
        }
    }
}
