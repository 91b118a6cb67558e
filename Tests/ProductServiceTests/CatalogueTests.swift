import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Catalogue reads")
struct CatalogueTests {
    @Test(arguments: TestBackend.available)
    func searchAndStableCursorPagination(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            for index in 1...5 {
                try await client.createProduct("mug-\(index)", description: "A mug", harness: harness)
            }
            try await client.createProduct(
                "tote-bag", name: "Tote", description: "100% cotton_canvas", harness: harness)

            var slugs: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, "/v1/products?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == .ok)
                slugs += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(slugs == ["mug-1", "mug-2", "mug-3", "mug-4", "mug-5", "tote-bag"])

            let found = try await client.call(.get, "/v1/products?q=MUG")
            #expect((found.json["items"] as? [[String: Any]])?.count == 5)
            let byDescription = try await client.call(.get, "/v1/products?q=cotton")
            #expect((byDescription.json["items"] as? [[String: Any]])?.first?["slug"] as? String == "tote-bag")
            // LIKE wildcards are literal.
            let percent = try await client.call(.get, "/v1/products?q=%25")
            #expect((percent.json["items"] as? [[String: Any]])?.map { $0["slug"] as? String } == ["tote-bag"])
            let underscore = try await client.call(.get, "/v1/products?q=c_tton")
            #expect((underscore.json["items"] as? [[String: Any]])?.isEmpty == true)

            #expect(try await client.call(.get, "/v1/products?limit=0").status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/products?limit=500").status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/products?cursor=-5").status == .unprocessableContent)
        }
    }

    @Test(arguments: TestBackend.available)
    func etagsAnswer304AndChangeOnWrites(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("lamp", harness: harness)
            let first = try await client.call(.get, "/v1/products")
            let etag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl]?.contains("max-age") == true)

            let notModified = try await client.call(.get, "/v1/products", headers: [.ifNoneMatch: etag])
            #expect(notModified.status == .notModified)
            #expect(notModified.body.readableBytes == 0)
            let weak = try await client.call(.get, "/v1/products", headers: [.ifNoneMatch: "\"x\", W/\(etag)"])
            #expect(weak.status == .notModified)

            let single = try await client.call(.get, "/v1/products/lamp")
            let singleTag = try #require(single.headers[.eTag])
            #expect(
                try await client.call(.get, "/v1/products/lamp", headers: [.ifNoneMatch: singleTag]).status
                    == .notModified)

            _ = try await client.call(.patch, "/v1/products/lamp", json: ["price_minor": 999], token: harness.admin)
            let changed = try await client.call(.get, "/v1/products", headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
        }
    }

    @Test(arguments: TestBackend.available)
    func batchLookupIncludesInactiveProducts(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let a = try #require(try await client.createProduct("alpha", harness: harness)["id"] as? Int)
            let b = try #require(try await client.createProduct("beta", harness: harness)["id"] as? Int)
            #expect(try await client.call(.delete, "/v1/products/beta", token: harness.admin).status == .noContent)

            let list = try await client.call(.get, "/v1/products")
            #expect((list.json["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["alpha"])
            let everything = try await client.call(.get, "/v1/products?include_inactive=true", token: harness.admin)
            #expect((everything.json["items"] as? [[String: Any]])?.count == 2)
            #expect(
                try await client.call(.get, "/v1/products?include_inactive=true", token: harness.customer).status
                    == .forbidden)
            #expect(try await client.call(.get, "/v1/products/beta").status == .notFound)
            #expect(try await client.call(.get, "/v1/products/beta", token: harness.admin).status == .ok)

            // Withdrawn products (and their stock) only for admins and services.
            for token in [nil, harness.customer] {
                let batch = try await client.call(.get, "/v1/products?ids=\(b),\(a),999", token: token)
                let items = try #require(batch.json["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["slug"] as? String } == ["alpha"])
            }
            for token in [harness.admin, ProductServiceHarness.serviceToken] {
                let batch = try await client.call(.get, "/v1/products?ids=\(b),\(a),999", token: token)
                let items = try #require(batch.json["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["slug"] as? String } == ["alpha", "beta"])
                #expect(items.last?["is_active"] as? Bool == false)
            }

            #expect(try await client.call(.get, "/v1/products?ids=1,x").status == .unprocessableContent)
            // Only what the document's pattern allows: no signs, spaces or leading zeros.
            for lenient in ["%2B1", "%201", "01", "1,,2", "-1", "0"] {
                let reply = try await client.call(.get, "/v1/products?ids=\(lenient)")
                #expect(reply.status == .unprocessableContent, "ids=\(lenient)")
            }
            #expect(try await client.call(.get, "/v1/products?ids=").status == .unprocessableContent)
            let tooMany = (1...101).map(String.init).joined(separator: ",")
            #expect(try await client.call(.get, "/v1/products?ids=\(tooMany)").status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/products/does-not-exist").status == .notFound)
        }
    }
}
