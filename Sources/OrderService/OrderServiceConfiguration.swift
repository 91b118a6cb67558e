import Configuration
import ShopPlatform

/// Everything order-service reads from configuration (see README's table).
public struct OrderServiceConfiguration: Sendable {
    public var service: ServiceConfiguration
    public var tokens: TokenSettings
    public var productServiceURL: String
    /// Presented to product-service's reservations API.
    public var serviceCredential: String?
    public var maxQuantityPerLine: Int
    public var currency: String
    public var productServiceTimeout: Duration
    public var productServiceAttempts: Int
    /// How long a cart shows products as product-service last described them
    /// before asking again (a checkout's reservation always asks).
    public var catalogueCacheTTL: Duration
    public var breakerThreshold: Int
    public var breakerCooldown: Duration
    public var reconcilerInterval: Duration
    /// How long an order may stay `pending` before the reconciler steps in.
    public var reconcilerGrace: Duration

    public init(reader: ConfigReader) {
        self.service = ServiceConfiguration(reader: reader, service: .orderService)
        self.tokens = TokenSettings(reader: reader)
        self.productServiceURL = ServiceDescriptor.productService.url(from: reader)
        self.serviceCredential = reader.string(forKey: "service.token", isSecret: true)
        self.maxQuantityPerLine = reader.int(forKey: "cart.max.quantity", default: 99)
        self.currency = reader.string(forKey: "shop.currency", default: "USD")
        self.productServiceTimeout = .milliseconds(reader.int(forKey: "product.service.timeout.ms", default: 3000))
        self.productServiceAttempts = reader.int(forKey: "product.service.attempts", default: 3)
        self.catalogueCacheTTL = .milliseconds(max(0, reader.int(forKey: "catalogue.cache.ms", default: 1000)))
        self.breakerThreshold = reader.int(forKey: "breaker.threshold", default: 5)
        self.breakerCooldown = .milliseconds(reader.int(forKey: "breaker.cooldown.ms", default: 5000))
        self.reconcilerInterval = .milliseconds(reader.int(forKey: "reconciler.interval.ms", default: 5000))
        // The reconciler must never act on an order a live checkout is still
        // working on: the grace outlasts the slowest possible reserve + release.
        let slowestCheckout = productServiceTimeout * productServiceAttempts * 2 + .seconds(1)
        self.reconcilerGrace = max(
            .seconds(reader.int(forKey: "reconciler.grace.seconds", default: 30)), slowestCheckout)
    }

    /// The most of one product product-service reserves in one line (its
    /// OpenAPI document's `quantity` maximum): a cart line above it could never
    /// be checked out.
    public static let reservableQuantity = 10_000

    /// Refuses settings the service cannot run with, naming them, before
    /// anything starts (a quantity limit of 0 crashed every add).
    public func check() throws {
        guard (1...Self.reservableQuantity).contains(maxQuantityPerLine) else {
            throw Invalid(
                "cart.max.quantity is \(maxQuantityPerLine); it must be from 1 to \(Self.reservableQuantity), "
                    + "the most product-service reserves in one line")
        }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
