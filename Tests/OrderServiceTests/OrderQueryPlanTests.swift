import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

@testable import OrderService

/// Queries that run on every cart change or every reconciler round read by the
/// index meant for them, so their cost does not grow with the orders table.
@Suite("Order-service's frequent queries read by their own index")
struct OrderQueryPlanTests {
    /// Every cart change and checkout first reads the customer's open orders (the
    /// cart and checkouts in progress). Through the order history's index that
    /// read every order the customer ever had: a cart change cost 45% more for a
    /// customer with 3,000 past orders (BENCHMARKS.md).
    @Test(arguments: TestBackend.available)
    func openOrdersAreReadByTheirOwnIndex(backend: TestBackend) async throws {
        try await OrderServiceHarness.run(backend) { client, harness in
            let pen = try await harness.createProduct("pen", stock: 1000)
            let token = try await harness.token(user: 7)
            try await client.addToCart(pen, 1, token: token)
            try await harness.withDatabase { database in
                let query = OrderRows.openOrders(userID: 7, lock: "")
                let plan = try await database.plan(of: query)
                #expect(plan.contains { $0.contains("orders_open_by_user") }, "\(plan.joined(separator: "\n"))")
                let open = try await database.withConnection {
                    try await OrderRows.lockedOpenOrders(userID: 7, lock: "", db: $0)
                }
                #expect(open.map(\.status) == [.cart])
            }
        }
    }

    /// Every replica's reconciler looks for stale checkouts on every round, and
    /// almost always finds none: the look must read pending orders only, for
    /// any batch size. In id order, SQLite walked the whole orders table (to
    /// spare itself a sort), at the reconciler's batch as at a larger one.
    @Test(arguments: TestBackend.available, [Reconciler.batch, 1000])
    func theReconcilersLookReadsPendingOrdersOnly(backend: TestBackend, batch: Int) async throws {
        try await OrderServiceHarness.run(backend) { _, harness in
            try await harness.withDatabase { database in
                let query = CheckoutStore(database: database).stalePending(cutoff: Date(), limit: batch)
                let plan = try await database.plan(of: query)
                #expect(plan.contains { $0.contains("orders_pending") }, "\(plan.joined(separator: "\n"))")
            }
        }
    }
}
