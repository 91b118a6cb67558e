import Configuration
import ShopPlatform

/// Everything product-service reads from configuration (see README's table).
public struct ProductServiceConfiguration: Sendable {
    public var service: ServiceConfiguration
    public var tokens: TokenSettings
    /// The shared secret order-service presents to reserve and release stock.
    public var serviceCredential: String?
    public var currency: String
    public var legacyDefaultStock: Int
    public var maxImageBytes: Int
    public var catalogueCacheTTL: Duration
    /// Load the demo catalogue at start-up when the catalogue is empty.
    public var seedDemo: Bool

    public init(reader: ConfigReader) {
        self.service = ServiceConfiguration(reader: reader, service: .productService)
        self.tokens = TokenSettings(reader: reader)
        self.serviceCredential = reader.string(forKey: "service.token", isSecret: true)
        self.currency = reader.string(forKey: "shop.currency", default: "USD")
        self.legacyDefaultStock = reader.int(forKey: "legacy.default.stock", default: 100)
        self.maxImageBytes = reader.int(forKey: "image.max.bytes", default: 2 << 20)
        self.catalogueCacheTTL = .milliseconds(reader.int(forKey: "catalogue.cache.ms", default: 2000))
        self.seedDemo = reader.bool(forKey: "seed.demo", default: false)
    }
}
