import Foundation
import Hummingbird
import NIOCore
import ShopPlatform

/// `/.well-known/jwks.json`: the public keys other services verify tokens with.
struct KeySetRoutes {
    typealias Context = ShopRequestContext
    let keyRing: SigningKeyRing

    func addRoutes(to router: Router<Context>) {
        let body = (try? JSONEncoder.shop.encode(try keyRing.jwks)) ?? Data()
        router.get(".well-known/jwks.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(data: body)))
        }
    }
}
