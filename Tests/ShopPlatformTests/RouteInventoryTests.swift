import Foundation
import Hummingbird
import ShopPlatform
import Testing

/// OWASP API9 (improper inventory): every service compares its router's own
/// route list with its OpenAPI document when its routes are complete, and will
/// not start when they differ. This is that comparison, tried on purpose.
@Suite("Route inventory")
struct RouteInventoryTests {
    static let document = """
        openapi: 3.1.0
        info: { title: t, version: '1' }
        paths:
          /v1/things:
            parameters:
              - { name: q, in: query, schema: { type: string } }
            get:
              responses: { '200': { description: ok } }
            post:
              responses: { '201': { description: ok } }
          /v1/things/{id}:
            delete:
              responses: { '204': { description: ok } }
        components:
          schemas:
            get: { type: string }
        """

    static func router(extra: Bool = false, missing: Bool = false) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v1/things") { _, _ in "" }
        router.post("/v1/things") { _, _ in "" }
        if !missing { router.delete("/v1/things/:id") { _, _ in HTTPResponse.Status.noContent } }
        if extra { router.patch("/v1/things/:id") { _, _ in "" } }
        return router
    }

    @Test func matchingRoutesAndDocumentPass() throws {
        let inventory = RouteInventory(router: Self.router(), document: Self.document)
        #expect(inventory.documented == ["GET /v1/things", "POST /v1/things", "DELETE /v1/things/{id}"])
        #expect(inventory.served == inventory.documented)
        try inventory.check()
    }

    @Test func anUndocumentedRouteIsNamed() {
        let inventory = RouteInventory(router: Self.router(extra: true), document: Self.document)
        #expect(inventory.undocumented == ["PATCH /v1/things/{id}"])
        #expect(throws: RouteInventory.Mismatch.self) { try inventory.check() }
    }

    @Test func aDocumentedButUnservedRouteIsNamed() {
        let inventory = RouteInventory(router: Self.router(missing: true), document: Self.document)
        #expect(inventory.unserved == ["DELETE /v1/things/{id}"])
        #expect(throws: RouteInventory.Mismatch.self) { try inventory.check() }
    }

    /// 405 for a known path with another method, 404 for an unknown path.
    @Test func aWrongMethodIs405WithAllow() async throws {
        let router = Self.router()
        try router.completeRoutes()
        let app = Application(router: router)
        try await app.test(.router) { client in
            let wrong = try await client.execute(uri: "/v1/things/7", method: .get)
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "DELETE")
            #expect(try await client.execute(uri: "/v1/things", method: .put).headers[.allow] == "GET, HEAD, POST")
            #expect(try await client.execute(uri: "/v1/other", method: .get).status == .notFound)
        }
    }
}
