import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging

/// The request context of every service: an optional authenticated principal, a
/// body limit set by `BodyLimitMiddleware`, and JSON-or-form decoding.
public struct ShopRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Principal?
    public var maxUploadSize: Int
    /// The raw bearer token the principal was built from (user-service hands it back
    /// as the training shop's `api_key`).
    public var accessToken: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.maxUploadSize = 1 << 20
        self.accessToken = nil
    }

    public var requestDecoder: ShopRequestDecoder { ShopRequestDecoder() }
    public var responseEncoder: JSONEncoder { .shop }
}
