import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import ProductService

/// An admin's write based on what they read earlier must not undo sales made
/// since: absolute stock needs `If-Match`, and a stale ETag is a 412.
@Suite("Stale product writes")
struct StaleWriteTests {
    @Test(arguments: TestBackend.available)
    func aStaleStockSetCannotRestoreSoldUnits(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let created = try await client.createProduct("mug", stock: 40, harness: harness)
            let id = try #require(created["id"] as? Int)
            // The admin reads the product (the edit form)...
            let read = try await client.call(.get, "/v1/products/mug", token: harness.admin)
            let etag = try #require(read.headers[.eTag])
            // ...a customer buys 2 meanwhile...
            #expect(try await client.reserve(1, [(id, 2)]).status == .created)
            // ...and the admin saves what they saw.
            let stale = try await client.call(
                .patch, "/v1/products/mug", json: ["stock": 40, "name": "Mug"], token: harness.admin,
                headers: [.ifMatch: etag])
            #expect(stale.status == .preconditionFailed, "\(stale.text)")
            #expect(stale.headers[.contentType] == "application/problem+json")
            #expect((stale.json["detail"] as? String)?.contains("stock 38") == true, "\(stale.text)")
            let currentTag = try #require(stale.headers[.eTag])
            #expect(try await client.stock(of: "mug", harness: harness) == 38)

            // A blind absolute write is refused outright.
            let blind = try await client.call(.patch, "/v1/products/mug", json: ["stock": 40], token: harness.admin)
            #expect(blind.status == .preconditionRequired)
            #expect(try await client.stock(of: "mug", harness: harness) == 38)

            // Against the version it has now, the write goes through and names the next one.
            let fresh = try await client.call(
                .patch, "/v1/products/mug", json: ["stock": 50], token: harness.admin, headers: [.ifMatch: currentTag])
            #expect(fresh.status == .ok, "\(fresh.text)")
            #expect(fresh.json["stock"] as? Int == 50)
            let next = try #require(fresh.headers[.eTag])
            #expect(try await client.call(.get, "/v1/products/mug", token: harness.admin).headers[.eTag] == next)
            // Weak tags never satisfy If-Match; `*` does.
            let weak = try await client.call(
                .patch, "/v1/products/mug", json: ["name": "Weak"], token: harness.admin,
                headers: [.ifMatch: "W/\(next)"])
            #expect(weak.status == .preconditionFailed)
            let any = try await client.call(
                .patch, "/v1/products/mug", json: ["name": "Any"], token: harness.admin, headers: [.ifMatch: "*"])
            #expect(any.status == .ok)
            // Adjustments are atomic and need no precondition: sales are kept.
            #expect(try await client.reserve(2, [(id, 5)]).status == .created)
            let adjust = try await client.call(
                .patch, "/v1/products/mug", json: ["stock_adjust": 10], token: harness.admin)
            #expect(adjust.status == .ok)
            #expect(try await client.stock(of: "mug", harness: harness) == 55)
            #expect(
                try await client.call(
                    .patch, "/v1/products/nope", json: ["name": "x"], token: harness.admin,
                    headers: [.ifMatch: next]
                ).status == .notFound)
        }
    }

    /// Many conditional writers with the same ETag: exactly one wins.
    @Test(arguments: TestBackend.available)
    func concurrentConditionalWritesLetOneWin(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("bowl", stock: 10, harness: harness)
            let etag = try #require(
                try await client.call(.get, "/v1/products/bowl", token: harness.admin).headers[.eTag])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for writer in 0..<12 {
                    group.addTask {
                        try await client.call(
                            .patch, "/v1/products/bowl", json: ["stock": 100 + writer], token: harness.admin,
                            headers: [.ifMatch: etag]
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .preconditionFailed }.count == 11, "\(statuses)")
        }
    }

    /// Two admins change the price and the currency of one product at once:
    /// each write changes its own field, so both stay. Before, a currency
    /// change wrote back the price it had read before the other admin's.
    @Test(arguments: TestBackend.available)
    func priceAndCurrencyChangedAtOnceBothStay(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            _ = try await client.createProduct("lamp", stock: 5, harness: harness)
            for round in 1...30 {
                let price = 1000 + round
                let currency = round.isMultiple(of: 2) ? "EUR" : "USD"
                async let priced = client.call(
                    .patch, "/v1/products/lamp", json: ["price_minor": price], token: harness.admin)
                async let recurrenced = client.call(
                    .patch, "/v1/products/lamp", json: ["currency": currency], token: harness.admin)
                let statuses = try await [priced.status, recurrenced.status]
                #expect(statuses == [.ok, .ok], "\(statuses)")
                let now = try await client.call(.get, "/v1/products/lamp", token: harness.admin).json
                #expect(now["price_minor"] as? Int == price, "round \(round): \(now)")
                #expect(now["currency"] as? String == currency, "round \(round): \(now)")
            }
        }
    }
}
