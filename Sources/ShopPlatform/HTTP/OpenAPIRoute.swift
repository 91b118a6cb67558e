import Foundation
import Hummingbird
import NIOCore

/// Serves a service's OpenAPI document at `/openapi.yaml`, read once at start-up.
public struct OpenAPIRoute<Context: RequestContext>: Sendable {
    let document: ByteBuffer

    /// `url` is the document in the service's resource bundle.
    public init(document url: URL) throws {
        self.document = ByteBuffer(data: try Data(contentsOf: url))
    }

    public func register(on router: Router<Context>) {
        let document = self.document
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: document))
        }
    }
}
