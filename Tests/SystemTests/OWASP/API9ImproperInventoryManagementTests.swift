import Foundation
import ShopPlatform
import ShopTestSupport
import Testing

/// OWASP API9:2023, improper inventory management. Each service compares its
/// router's own route list with its OpenAPI document when it starts and will
/// not run if they differ (`RouteInventory`, tested in ShopPlatformTests), so
/// every running service here proves the first half. This is the other: each
/// documented operation, called on a live process, is served (never the
/// router's own 404 or a 405).
@Suite("OWASP API9 improper inventory management", .serialized)
struct API9ImproperInventoryManagementTests {
    @Test func everyDocumentedOperationIsServed() async throws {
        let shop = try await ShopCluster(.sqlite)
        defer { shop.stop() }
        for service in [shop.users, shop.products, shop.orders] {
            let document = try await HTTP.send(.GET, service.baseURL + "/openapi.yaml")
            #expect(document.status == 200)
            #expect(document.headers["content-type"]?.hasPrefix("application/yaml") == true)
            let operations = RouteInventory.operations(in: document.text)
            #expect(operations.count > 8, "\(service.name)")
            for operation in operations.sorted() {
                let parts = operation.split(separator: " ", maxSplits: 1)
                let method = try #require(HTTP.NIOHTTP1Method(rawValue: String(parts[0])), "\(operation)")
                let path = String(parts[1]).replacingOccurrences(
                    of: #"\{[^}]+\}"#, with: "1", options: .regularExpression)
                let reply = try await HTTP.send(method, service.baseURL + path)
                #expect(reply.status != 405, "\(service.name): \(operation)")
                let routerMiss = reply.status == 404 && reply.text.contains("\"detail\":\"Not found\"")
                #expect(!routerMiss, "\(service.name): \(operation) is documented but not served")
                #expect(reply.status < 500, "\(service.name): \(operation) \(reply.status)")
            }
        }
    }
}
