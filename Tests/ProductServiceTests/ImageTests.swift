import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Product images")
struct ImageTests {
    static let png = DemoCatalogue.picture(colour: (10, 20, 30), size: 8).data
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9])
    static let webp = Data("RIFF\u{24}\0\0\0WEBPVP8 ".utf8) + Data(repeating: 0, count: 24)

    static func upload(
        _ client: some TestClientProtocol, _ slug: String, _ bytes: Data, contentType: String = "image/png",
        token: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: "/v1/products/\(slug)/image", method: .put, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    @Test(arguments: TestBackend.available)
    func uploadSniffsTheTypeAndServesWithCaching(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("poster", harness: harness)
            #expect(try await client.call(.get, "/v1/products/poster/image").status == .notFound)

            let uploaded = try await Self.upload(
                client, "poster", Self.png, contentType: "image/jpeg", token: harness.admin)
            #expect(uploaded.status == .ok)
            let url = try #require(uploaded.json["image_url"] as? String)
            #expect(url.hasPrefix("/v1/products/poster/image?v="), "\(url)")

            // The address the product gives names these bytes: cached for good.
            let image = try await client.call(.get, url)
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/png")  // from the bytes, not the header
            #expect(Data(buffer: image.body) == Self.png)
            #expect(image.headers[.cacheControl] == "public, max-age=31536000, immutable")
            let etag = try #require(image.headers[.eTag])
            let again = try await client.call(.get, url, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            // Any other address may show another picture later: revalidated on each use.
            let bare = try await client.call(.get, "/v1/products/poster/image")
            #expect(bare.headers[.cacheControl] == "public, no-cache")

            // A new picture gets a new address; the old one is no longer cached for good.
            let replaced = try #require(
                try await Self.upload(client, "poster", Self.jpeg, token: harness.admin).json["image_url"] as? String)
            #expect(replaced != url && replaced.hasPrefix("/v1/products/poster/image?v="))
            #expect(try await client.call(.get, replaced).headers[.contentType] == "image/jpeg")
            #expect(try await client.call(.get, url).headers[.cacheControl] == "public, no-cache")
            #expect(try await client.call(.get, "/v1/products/poster/image").headers[.contentType] == "image/jpeg")
            _ = try await Self.upload(client, "poster", Self.webp, token: harness.admin)
            #expect(try await client.call(.get, "/v1/products/poster/image").headers[.contentType] == "image/webp")
        }
    }

    @Test(arguments: TestBackend.available)
    func refusesNonImagesOversizeAndNonAdmins(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("poster", harness: harness)
            let text = try await Self.upload(client, "poster", Data("<svg onload=alert(1)>".utf8), token: harness.admin)
            #expect(text.status == .unsupportedMediaType)
            let empty = try await Self.upload(client, "poster", Data(), token: harness.admin)
            #expect(empty.status == .badRequest)
            let huge = Self.png + Data(repeating: 0, count: (2 << 20) + 1)
            #expect(try await Self.upload(client, "poster", huge, token: harness.admin).status == .contentTooLarge)
            #expect(try await Self.upload(client, "poster", Self.png, token: harness.customer).status == .forbidden)
            #expect(try await Self.upload(client, "poster", Self.png, token: nil).status == .unauthorized)
            #expect(try await Self.upload(client, "missing", Self.png, token: harness.admin).status == .notFound)
            // Nothing was stored by any of that.
            #expect(try await client.call(.get, "/v1/products/poster/image").status == .notFound)
            // An image larger than the general body limit but within the image limit is fine.
            let big = Self.png + Data(repeating: 0, count: 1_500_000)
            #expect(try await Self.upload(client, "poster", big, token: harness.admin).status == .ok)
        }
    }

    /// A withdrawn product's picture is withdrawn with it: anyone else gets
    /// 404, admins (who may bring it back) still see it.
    @Test(arguments: TestBackend.available)
    func aDeactivatedProductsPictureIsForAdminsOnly(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            try await client.createProduct("poster", harness: harness)
            #expect(try await Self.upload(client, "poster", Self.png, token: harness.admin).status == .ok)
            #expect(try await client.call(.get, "/v1/products/poster/image").status == .ok)
            #expect(try await client.call(.delete, "/v1/products/poster", token: harness.admin).status.code < 300)
            #expect(try await client.call(.get, "/v1/products/poster/image").status == .notFound)
            #expect(
                try await client.call(.get, "/v1/products/poster/image", token: harness.customer).status == .notFound)
            let asAdmin = try await client.call(.get, "/v1/products/poster/image", token: harness.admin)
            #expect(asAdmin.status == .ok)
            #expect(asAdmin.headers[.cacheControl] == "private, no-cache", "never kept for everyone")
        }
    }
}
