import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import ProductService

/// Numbers at the edges of Int64 and at the catalogue's caps, and control
/// characters in text: a clear 4xx, nothing changed, the process still serving.
@Suite("Hostile input to the catalogue")
struct HostileInputTests {
    static let extremes: [Int64] = [.min, .min + 1, -1_000_001, 1_000_001, .max - 1, .max]

    @Test(arguments: TestBackend.available)
    func numericFieldsAtInt64ExtremesAreRefused(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("anvil", stock: 40, harness: harness)
            for value in Self.extremes {
                for field in ["stock_adjust", "stock"] {
                    let patch = try await client.call(
                        .patch, "/v1/products/anvil", json: [field: value], token: harness.admin)
                    #expect(patch.status == .unprocessableContent, "\(field)=\(value): \(patch.text)")
                }
                let price = try await client.call(
                    .patch, "/v1/products/anvil", json: ["price_minor": value], token: harness.admin)
                // 1,000,001 minor units is an ordinary price; the rest are out of range.
                #expect(
                    price.status == (value == 1_000_001 ? .ok : .unprocessableContent), "price_minor=\(value)")
                let create = try await client.call(
                    .post, "/v1/products",
                    json: ["slug": "edge", "name": "Edge", "price_minor": value, "stock": value], token: harness.admin)
                #expect(create.status == .unprocessableContent, "create at \(value)")
                let page = try await client.call(.get, "/v1/products?limit=\(value)")
                #expect(page.status == .unprocessableContent, "limit=\(value)")
                let ids = try await client.call(.get, "/v1/products?ids=\(value)")
                #expect(ids.status.code < 500, "ids=\(value)")
                // No product 999 exists, so a positive order id is refused for that.
                let reserve = try await client.reserve(value, [(999, 1)])
                #expect(reserve.status.code / 100 == 4, "order_id=\(value): \(reserve.text)")
                let line = try await client.call(
                    .post, "/v1/reservations",
                    json: ["checkout_id": "c-1", "order_id": 1, "lines": [["product_id": value, "quantity": value]]],
                    token: ProductServiceHarness.serviceToken)
                #expect(line.status.code / 100 == 4, "product_id and quantity=\(value)")
            }
            // Past Int64 altogether: a decoding error, not a crash.
            let beyond = try await client.execute(
                uri: "/v1/products/anvil", method: .patch,
                headers: [.contentType: "application/json", .authorization: "Bearer \(harness.admin)"],
                body: ByteBuffer(string: #"{"stock_adjust": -92233720368547758080}"#))
            #expect(beyond.status == .badRequest)
            #expect(try await client.stock(of: "anvil", harness: harness) == 40)
        }
    }

    /// `stock_adjust` may not push stock past the cap that `stock` enforces.
    @Test(arguments: TestBackend.available)
    func adjustmentsStayWithinTheStockCap(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("crate", stock: 999_990, harness: harness)
            let over = try await client.call(
                .patch, "/v1/products/crate", json: ["stock_adjust": 11], token: harness.admin)
            #expect(over.status == .conflict, "\(over.text)")
            #expect(try await client.stock(of: "crate", harness: harness) == 999_990)
            let upTo = try await client.call(
                .patch, "/v1/products/crate", json: ["stock_adjust": 10], token: harness.admin)
            #expect(upTo.status == .ok)
            #expect(try await client.stock(of: "crate", harness: harness) == 1_000_000)
            let below = try await client.call(
                .patch, "/v1/products/crate", json: ["stock_adjust": -1_000_000], token: harness.admin)
            #expect(below.status == .ok)
            let underZero = try await client.call(
                .patch, "/v1/products/crate", json: ["stock_adjust": -1], token: harness.admin)
            #expect(underZero.status == .conflict)
            #expect(
                try await client.call(.patch, "/v1/products/none", json: ["stock_adjust": 1], token: harness.admin)
                    .status == .notFound)
        }
    }

    /// A release can leave stock above the cap (it was set to the cap while units
    /// were reserved): the product stays editable and can be taken off sale.
    @Test(arguments: TestBackend.available)
    func aProductAboveTheCapStaysEditable(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("barrel", stock: 10, harness: harness)["id"] as? Int)
            #expect(try await client.reserve(7, [(id, 5)]).status == .created)
            let full = try await client.call(
                .patch, "/v1/products/barrel", json: ["stock": 1_000_000], token: harness.admin,
                headers: [.ifMatch: "*"])
            #expect(full.status == .ok)
            let release = try await client.call(
                .delete, "/v1/reservations/c-7", token: ProductServiceHarness.serviceToken)
            #expect(release.status == .ok)
            #expect(try await client.stock(of: "barrel", harness: harness) == 1_000_005)
            let renamed = try await client.call(
                .patch, "/v1/products/barrel", json: ["name": "Big Barrel"], token: harness.admin)
            #expect(renamed.status == .ok, "\(renamed.text)")
            #expect(
                try await client.call(.patch, "/v1/products/barrel", json: ["stock_adjust": 1], token: harness.admin)
                    .status == .conflict)
            #expect(
                try await client.call(.patch, "/v1/products/barrel", json: ["stock_adjust": -10], token: harness.admin)
                    .status == .ok)
            #expect(try await client.call(.delete, "/v1/products/barrel", token: harness.admin).status == .noContent)
        }
    }

    @Test(arguments: TestBackend.available)
    func controlCharactersAreRefusedInSearchesAndFields(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("lamp", harness: harness)
            for query in ["%00", "lamp%00", "%1B", "%C2%85", "%7F"] {
                let search = try await client.call(.get, "/v1/products?q=\(query)")
                #expect(search.status == .badRequest, "q=\(query): \(search.text)")
                #expect(search.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.call(.get, "/api/product/lamp%00").status == .badRequest)
            let named = try await client.call(
                .post, "/v1/products", json: ["slug": "nul", "name": "Nul\u{0}Lamp", "price_minor": 100],
                token: harness.admin)
            #expect(named.status == .badRequest)
            let described = try await client.call(
                .patch, "/v1/products/lamp", json: ["description": "Bright\u{0}"], token: harness.admin)
            #expect(described.status == .badRequest)
            // Multi-line descriptions are fine; names are one line.
            let multiline = try await client.call(
                .patch, "/v1/products/lamp", json: ["description": "Bright.\nWarm.\tCosy."], token: harness.admin)
            #expect(multiline.status == .ok)
            let twoLines = try await client.call(
                .patch, "/v1/products/lamp", json: ["name": "Lamp\nAdmin"], token: harness.admin)
            #expect(twoLines.status == .unprocessableContent)
            let list = try await client.call(.get, "/v1/products")
            #expect((list.json["items"] as? [[String: Any]])?.count == 1)
        }
    }
}
