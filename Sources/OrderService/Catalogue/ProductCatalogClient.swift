import Foundation
import ShopPlatform

/// A product as order-service needs it, from product-service's batch lookup.
struct ProductSummary: Decodable, Sendable {
    let id: Int64
    let slug: String
    let name: String
    let priceMinor: Int64
    let currency: String
    let stock: Int
    let isActive: Bool
    let imageURL: String?

    enum CodingKeys: String, CodingKey {
        case id, slug, name, currency, stock
        case priceMinor = "price_minor"
        case isActive = "is_active"
        case imageURL = "image_url"
    }
}

/// A checkout attempt's reservation as product-service reports it.
struct ReservedStock: Codable, Sendable {
    /// A reservation's state at product-service; any other value fails decoding.
    enum Status: String, Codable, Sendable {
        case reserved, released
    }

    struct Line: Codable, Sendable {
        let productID: Int64
        let name: String
        let quantity: Int
        let unitPriceMinor: Int64

        enum CodingKeys: String, CodingKey {
            case name, quantity
            case productID = "product_id"
            case unitPriceMinor = "unit_price_minor"
        }
    }

    /// product-service's id, the order of the orphan sweep.
    let id: Int64?
    let checkoutID: String
    let orderID: Int64?
    let status: Status
    let currency: String?
    let totalMinor: Int64?
    let lines: [Line]
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, status, currency, lines
        case checkoutID = "checkout_id"
        case orderID = "order_id"
        case totalMinor = "total_minor"
        case createdAt = "created_at"
    }

    /// Held for exactly this order and these lines.
    func holds(_ order: Order) -> Bool {
        status == .reserved && orderID == order.id && currency != nil && totalMinor != nil
            && Dictionary(uniqueKeysWithValues: lines.map { ($0.productID, $0.quantity) })
                == Dictionary(uniqueKeysWithValues: order.lines.map { ($0.productID, $0.quantity) })
    }
}

/// order-service's view of product-service, over the shared `ServiceClient`
/// (timeouts, retries for idempotent calls, circuit breaker).
struct ProductCatalogClient: Sendable {
    enum ReserveResult: Sendable {
        case reserved(ReservedStock)
        /// 409: lines short of stock, as (product id, "requested N, available M").
        case insufficient([(productID: Int64, detail: String)])
        /// 422: unknown or inactive products.
        case unavailable([(productID: Int64, detail: String)])
        /// 409 about the attempt itself: released already, or reserved for other lines.
        case attemptOver(String)
    }

    let client: ServiceClient

    /// Products by id, inactive ones included; missing ids are simply absent.
    func products(ids: [Int64], requestID: String? = nil) async throws -> [Int64: ProductSummary] {
        guard !ids.isEmpty else { return [:] }
        let list = ids.map(String.init).joined(separator: ",")
        let page = try await client.getJSON(
            "/v1/products?ids=\(list)", as: Page<ProductSummary>.self, requestID: requestID)
        return Dictionary(page.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Safe to retry: product-service is idempotent on the checkout id.
    func reserve(_ order: Order, checkoutID: String, requestID: String? = nil) async throws -> ReserveResult {
        let body = try JSONEncoder.shop.encode(
            ReservationBody(
                checkoutID: checkoutID, orderID: order.id,
                lines: order.lines.map { .init(productID: $0.productID, quantity: $0.quantity) }))
        let reply = try await client.send(.POST, "/v1/reservations", body: body, idempotent: true, requestID: requestID)
        switch reply.status {
        case 200, 201:
            return .reserved(try reply.decode(ReservedStock.self))
        case 409:
            let problem = try reply.decode(Problem.self)
            let kind = problem.type ?? ""
            if kind.hasSuffix("/reservation-released") || kind.hasSuffix("/reservation-mismatch") {
                return .attemptOver(kind)
            }
            return .insufficient(problem.namedLines)
        case 422:
            return .unavailable(try reply.decode(Problem.self).namedLines)
        default:
            throw ServiceClient.Unavailable(description: "product-service refused the reservation (\(reply.status))")
        }
    }

    /// Nil when product-service has no reservation for the attempt.
    func reservation(checkoutID: String) async throws -> ReservedStock? {
        let reply = try await client.send(.GET, "/v1/reservations/\(checkoutID)", idempotent: true)
        switch reply.status {
        case 200: return try reply.decode(ReservedStock.self)
        case 404: return nil
        default: throw ServiceClient.Unavailable(description: "product-service answered \(reply.status)")
        }
    }

    /// Returns the stock; releasing twice is fine, and releasing an attempt that
    /// never reserved makes sure it never will.
    func release(checkoutID: String, requestID: String? = nil) async throws {
        let reply = try await client.send(
            .DELETE, "/v1/reservations/\(checkoutID)", idempotent: true, requestID: requestID)
        guard reply.status == 200 else {
            throw ServiceClient.Unavailable(description: "product-service answered \(reply.status) to a release")
        }
    }

    /// Up to `limit` live reservations after `cursor`, oldest first.
    func liveReservations(after cursor: Int64, limit: Int) async throws -> [ReservedStock] {
        try await client.getJSON(
            "/v1/reservations?status=\(ReservedStock.Status.reserved.rawValue)&cursor=\(cursor)&limit=\(limit)",
            as: Page<ReservedStock>.self
        ).items
    }

    private struct Page<Item: Decodable>: Decodable {
        let items: [Item]
    }

    fileprivate struct Problem: Decodable {
        struct FieldError: Decodable {
            let field: String
            let message: String
        }
        let type: String?
        let detail: String?
        let errors: [FieldError]?
    }

    private struct ReservationBody: Encodable {
        struct Line: Encodable {
            let productID: Int64
            let quantity: Int

            enum CodingKeys: String, CodingKey {
                case quantity
                case productID = "product_id"
            }
        }

        let checkoutID: String
        let orderID: Int64
        let lines: [Line]

        enum CodingKeys: String, CodingKey {
            case lines
            case checkoutID = "checkout_id"
            case orderID = "order_id"
        }
    }

}

extension ProductCatalogClient.Problem {
    /// The lines product-service's `errors` name (`field: "product:<id>"`).
    var namedLines: [(productID: Int64, detail: String)] {
        (errors ?? []).compactMap { error in
            guard error.field.hasPrefix("product:"), let id = Int64(error.field.dropFirst("product:".count)) else {
                return nil
            }
            return (id, error.message)
        }
    }
}
