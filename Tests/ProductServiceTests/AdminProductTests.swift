import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Catalogue administration")
struct AdminProductTests {
    @Test(arguments: TestBackend.available)
    func onlyAdminsWrite(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let body: [String: Any] = ["slug": "kettle", "name": "Kettle", "price_minor": 2500, "stock": 3]
            #expect(try await client.call(.post, "/v1/products", json: body).status == .unauthorized)
            #expect(
                try await client.call(.post, "/v1/products", json: body, token: harness.customer).status == .forbidden)
            let forged = try await harness.keys.token(userID: 1, roles: [.admin], key: .init())
            #expect(try await client.call(.post, "/v1/products", json: body, token: forged).status == .unauthorized)

            let created = try await client.call(.post, "/v1/products", json: body, token: harness.admin)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/products/kettle")
            #expect(created.json["price_minor"] as? Int == 2500)
            #expect(created.json["currency"] as? String == "USD")
            #expect(created.json["in_stock"] as? Bool == true)

            #expect(
                try await client.call(.patch, "/v1/products/kettle", json: ["stock": 1], token: harness.customer).status
                    == .forbidden)
            #expect(try await client.call(.delete, "/v1/products/kettle", token: harness.customer).status == .forbidden)
            #expect(try await client.call(.delete, "/v1/products/kettle").status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available)
    func badInputIsRejectedAndChangesNothing(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("taken", harness: harness)
            let duplicate = try await client.call(
                .post, "/v1/products", json: ["slug": "taken", "name": "Again", "price_minor": 1], token: harness.admin)
            #expect(duplicate.status == .conflict)

            let cases: [(String, [String: Any], HTTPResponse.Status)] = [
                ("negative price", ["slug": "a1", "name": "A", "price_minor": -1], .unprocessableContent),
                ("price as text", ["slug": "a2", "name": "A", "price_minor": "ten"], .badRequest),
                ("fractional price", ["slug": "a3", "name": "A", "price_minor": 1.5], .badRequest),
                ("slug with spaces", ["slug": "a b", "name": "A", "price_minor": 1], .unprocessableContent),
                ("slug with dots", ["slug": "../etc", "name": "A", "price_minor": 1], .unprocessableContent),
                ("upper-case slug", ["slug": "Mug", "name": "A", "price_minor": 1], .unprocessableContent),
                (
                    "long name", ["slug": "a4", "name": String(repeating: "n", count: 10_000), "price_minor": 1],
                    .unprocessableContent
                ),
                ("negative stock", ["slug": "a5", "name": "A", "price_minor": 1, "stock": -3], .unprocessableContent),
                (
                    "bad currency", ["slug": "a6", "name": "A", "price_minor": 1, "currency": "dollars"],
                    .unprocessableContent
                ),
                ("missing fields", [:], .unprocessableContent),
            ]
            for (name, body, status) in cases {
                let response = try await client.call(.post, "/v1/products", json: body, token: harness.admin)
                #expect(response.status == status, "\(name): \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(name)")
            }
            let list = try await client.call(.get, "/v1/products")
            #expect((list.json["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func stockIsSetOrAdjustedButNeverNegative(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("socks", stock: 5, harness: harness)
            let adjusted = try await client.call(
                .patch, "/v1/products/socks", json: ["stock_adjust": 3], token: harness.admin)
            #expect(adjusted.json["stock"] as? Int == 8)
            // Setting stock outright is conditional on the version last seen.
            let set = try await client.call(
                .patch, "/v1/products/socks", json: ["stock": 2, "name": "Wool Socks", "price_minor": 1500],
                token: harness.admin, headers: [.ifMatch: try #require(adjusted.headers[.eTag])])
            #expect(set.status == .ok)
            #expect(set.json["stock"] as? Int == 2)
            #expect(set.json["name"] as? String == "Wool Socks")

            let below = try await client.call(
                .patch, "/v1/products/socks", json: ["stock_adjust": -3], token: harness.admin)
            #expect(below.status == .conflict)
            #expect(try await client.stock(of: "socks", harness: harness) == 2)
            let both = try await client.call(
                .patch, "/v1/products/socks", json: ["stock": 1, "stock_adjust": 1], token: harness.admin)
            #expect(both.status == .unprocessableContent)
            #expect(
                try await client.call(
                    .patch, "/v1/products/nope", json: ["stock": 1], token: harness.admin, headers: [.ifMatch: "*"]
                ).status == .notFound)
        }
    }

    /// `create` and `new` name pages of their own (`/api/product/create`, the
    /// storefront's `/admin/products/new`): a product with either slug could be
    /// made but never read or edited there.
    @Test(arguments: TestBackend.available)
    func slugsThatRoutesAnswerForAreRefused(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            for slug in ["create", "new"] {
                let refused = try await client.call(
                    .post, "/v1/products", json: ["slug": slug, "name": "X", "price_minor": 100, "stock": 1],
                    token: harness.admin)
                #expect(refused.status == .unprocessableContent, "\(slug): \(refused.text)")
            }
        }
    }

    /// What only admins and order-service may see (withdrawn products) is
    /// answered `private`: a shared cache must never keep it for everyone.
    /// The public catalogue stays cacheable.
    @Test(arguments: TestBackend.available)
    func privilegedViewsAreNeverKeptBySharedCaches(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("lamp", harness: harness)["id"] as? Int)
            #expect(try await client.call(.get, "/v1/products/lamp").headers[.cacheControl] == "public, max-age=5")
            #expect(try await client.call(.get, "/v1/products").headers[.cacheControl] == "public, max-age=5")
            #expect(try await client.call(.delete, "/v1/products/lamp", token: harness.admin).status.code < 300)
            let privileged = [
                ("/v1/products/lamp", harness.admin), ("/v1/products?include_inactive=true", harness.admin),
                ("/v1/products?ids=\(id)", harness.admin),
                ("/v1/products?ids=\(id)", ProductServiceHarness.serviceToken),
            ]
            for (path, token) in privileged {
                let response = try await client.call(.get, path, token: token)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.cacheControl] == "private, no-cache", "\(path)")
            }
            #expect(try await client.call(.get, "/v1/products?ids=\(id)").headers[.cacheControl] == "public, max-age=5")
        }
    }
}
