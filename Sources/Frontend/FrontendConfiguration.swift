import Configuration
import Foundation
import ShopPlatform

/// Everything the frontend reads from configuration (see README's table).
public struct FrontendConfiguration: Sendable {
    public var service: ServiceConfiguration
    public var userServiceURL: String
    public var productServiceURL: String
    public var orderServiceURL: String
    /// 32 bytes, base64: encrypts and authenticates the session cookie. Replicas
    /// that share it serve one customer interchangeably.
    public var sessionKey: String?
    /// Mark the cookie `Secure` (behind TLS). Also set when a proxy reports https.
    public var secureCookies: Bool
    public var backendTimeout: Duration
    /// The shop's currency (`shop.currency`, as product-service reads it): new
    /// products are priced in it.
    public var currency: String
    /// The frontend faces the internet, so `/metrics` is served on this port of
    /// its own (for Prometheus inside the cluster) and never on the public one.
    public var metricsPort: Int?

    public init(reader: ConfigReader) {
        self.service = ServiceConfiguration(reader: reader, service: .frontend)
        self.userServiceURL = ServiceDescriptor.userService.url(from: reader)
        self.productServiceURL = ServiceDescriptor.productService.url(from: reader)
        self.orderServiceURL = ServiceDescriptor.orderService.url(from: reader)
        self.sessionKey = reader.string(forKey: "session.key", isSecret: true)
        self.secureCookies = reader.bool(forKey: "session.secure", default: false)
        self.metricsPort = reader.int(forKey: "metrics.port")
        self.backendTimeout = .milliseconds(reader.int(forKey: "backend.timeout.ms", default: 3000))
        self.currency = reader.string(forKey: "shop.currency", default: "USD")
    }
}
