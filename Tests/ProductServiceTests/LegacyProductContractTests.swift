import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Legacy /api product contract")
struct LegacyProductContractTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func create(
        _ client: some TestClientProtocol, _ fields: [(String, String)], token: String?
    ) async throws -> TestResponse {
        var headers = form
        if let token { headers[.authorization] = "Basic \(token)" }
        return try await client.execute(
            uri: "/api/product/create", method: .post, headers: headers, body: .form(fields))
    }

    @Test(arguments: TestBackend.available)
    func listAndShowKeepTheOriginalShapes(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("mug", name: "Mug", price: 1250, harness: harness)
            try await client.createProduct("hidden", harness: harness)
            _ = try await client.call(.delete, "/v1/products/hidden", token: harness.admin)

            let list = try await client.call(.get, "/api/products")
            #expect(list.status == .ok)
            let results = try #require(list.json["results"] as? [[String: Any]])
            #expect(results.count == 1)
            #expect(Set(results[0].keys) == ["id", "name", "slug", "price", "image"])
            #expect(results[0]["price"] as? Double == 12.5)
            #expect(list.text.contains("\"price\":12.5"))

            let one = try await client.call(.get, "/api/product/mug")
            #expect((one.json["result"] as? [String: Any])?["slug"] as? String == "mug")
            let missing = try await client.call(.get, "/api/product/nope")
            #expect(missing.status == .notFound)
            #expect(missing.json as NSDictionary == ["message": "Cannot find product"])
        }
    }

    /// The legacy product document is served pre-encoded like `/v1`'s: it
    /// revalidates with its ETag, and an admin's change shows at once.
    @Test(arguments: TestBackend.available)
    func showIsCachedButNeverStaleAfterAWrite(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("mug", name: "Mug", price: 1250, harness: harness)
            let first = try await client.call(.get, "/api/product/mug")
            let etag = try #require(first.headers[.eTag])
            let again = try await client.execute(
                uri: "/api/product/mug", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)

            let renamed = try await client.call(
                .patch, "/v1/products/mug", json: ["name": "Big Mug"], token: harness.admin)
            #expect(renamed.status == .ok)
            let after = try await client.call(.get, "/api/product/mug")
            #expect((after.json["result"] as? [String: Any])?["name"] as? String == "Big Mug")
            #expect(after.headers[.eTag] != etag)
        }
    }

    @Test(arguments: TestBackend.available)
    func createIsAdminOnlyAndValidates(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let fields = [("name", "Tea Pot"), ("slug", "tea-pot"), ("image", "teapot.jpg"), ("price", "19.99")]
            let anonymous = try await Self.create(client, fields, token: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.json["message"] as? String == "Not logged in")
            #expect(try await Self.create(client, fields, token: harness.customer).status == .forbidden)

            let created = try await Self.create(client, fields, token: harness.admin)
            #expect(created.status == .ok)
            #expect(created.json["message"] as? String == "Product added")
            let product = try #require(created.json["product"] as? [String: Any])
            #expect(product["price"] as? Double == 19.99)
            #expect(product["image"] as? String == "teapot.jpg")
            // Stored exactly in minor units.
            #expect(try await client.call(.get, "/v1/products/tea-pot").json["price_minor"] as? Int == 1999)

            let duplicate = try await Self.create(client, fields, token: harness.admin)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["message"] is String)

            for (name, bad) in [
                ("non-numeric price", [("name", "X"), ("slug", "x1"), ("price", "cheap")]),
                ("negative price", [("name", "X"), ("slug", "x2"), ("price", "-1")]),
                ("too many decimals", [("name", "X"), ("slug", "x3"), ("price", "1.999")]),
                ("missing slug", [("name", "X"), ("price", "1")]),
                ("bad slug", [("name", "X"), ("slug", "has space"), ("price", "1")]),
            ] {
                let response = try await Self.create(client, bad, token: harness.admin)
                #expect(response.status == .badRequest, "\(name): \(response.text)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(name)")
                #expect(response.json["message"] is String, "\(name)")
            }
            #expect((try await client.call(.get, "/api/products").json["results"] as? [[String: Any]])?.count == 1)
        }
    }
}

@Suite("Demo catalogue")
struct DemoCatalogueTests {
    @Test(arguments: TestBackend.available)
    func seedsOnceWithGeneratedPictures(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend, settings: ["SEED_DEMO": "true"]) { client, _ in
            let page = try await client.call(.get, "/v1/products?limit=100")
            let items = try #require(page.json["items"] as? [[String: Any]])
            #expect(items.count == DemoCatalogue.items.count)
            #expect(items.count >= 12)
            #expect(items.allSatisfy { ($0["stock"] as? Int ?? 0) > 0 && $0["image_url"] is String })
            let image = try await client.call(.get, "/v1/products/classic-mug/image")
            #expect(image.headers[.contentType] == "image/png")
            #expect(Data(buffer: image.body).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }

    @Test func generatedPNGIsWellFormed() throws {
        let data = DemoCatalogue.picture(colour: (1, 2, 3), size: 4).data
        // Signature, IHDR with 4x4 RGB, and the IEND trailer with its fixed CRC.
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(Array(data[16..<24]) == [0, 0, 0, 4, 0, 0, 0, 4])
        #expect(Array(data.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }
}
