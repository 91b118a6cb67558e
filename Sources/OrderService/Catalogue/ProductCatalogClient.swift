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

/// A reservation as product-service reports it.
struct ReservedStock: Codable, Sendable {
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

    let orderID: Int64
    let status: String
    let currency: String
    let totalMinor: Int64
    let lines: [Line]

    enum CodingKeys: String, CodingKey {
        case status, currency, lines
        case orderID = "order_id"
        case totalMinor = "total_minor"
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
    }

    let client: ServiceClient

    /// Products by id, inactive ones included; missing ids are simply absent.
    func products(ids: [Int64], requestID: String? = nil) async throws -> [Int64: ProductSummary] {
        guard !ids.isEmpty else { return [:] }
        let list = ids.map(String.init).joined(separator: ",")
        let page = try await client.getJSON("/v1/products?ids=\(list)", as: Page.self, requestID: requestID)
        return Dictionary(page.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Safe to retry: product-service is idempotent on the order id.
    func reserve(orderID: Int64, lines: [Order.Line], requestID: String? = nil) async throws -> ReserveResult {
        let body = try JSONEncoder.shop.encode(
            ReservationBody(
                orderID: orderID, lines: lines.map { .init(productID: $0.productID, quantity: $0.quantity) }))
        let reply = try await client.send(.POST, "/v1/reservations", body: body, idempotent: true, requestID: requestID)
        switch reply.status {
        case 200, 201:
            return .reserved(try reply.decode(ReservedStock.self))
        case 409:
            return .insufficient(try Self.namedLines(reply))
        case 422:
            return .unavailable(try Self.namedLines(reply))
        default:
            throw ServiceClient.Unavailable(description: "product-service refused the reservation (\(reply.status))")
        }
    }

    /// Nil when product-service has no reservation for the order.
    func reservation(orderID: Int64) async throws -> ReservedStock? {
        let reply = try await client.send(.GET, "/v1/reservations/\(orderID)", idempotent: true)
        switch reply.status {
        case 200: return try reply.decode(ReservedStock.self)
        case 404: return nil
        default: throw ServiceClient.Unavailable(description: "product-service answered \(reply.status)")
        }
    }

    /// Returns the stock; releasing twice, or an order never reserved, is fine.
    func release(orderID: Int64, requestID: String? = nil) async throws {
        let reply = try await client.send(
            .DELETE, "/v1/reservations/\(orderID)", idempotent: true, requestID: requestID)
        guard reply.status == 200 || reply.status == 404 else {
            throw ServiceClient.Unavailable(description: "product-service answered \(reply.status) to a release")
        }
    }

    private struct Page: Decodable {
        let items: [ProductSummary]
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

        let orderID: Int64
        let lines: [Line]

        enum CodingKeys: String, CodingKey {
            case lines
            case orderID = "order_id"
        }
    }

    /// Reads product-service's problem `errors` (`field: "product:<id>"`).
    private static func namedLines(_ reply: ServiceClient.Reply) throws -> [(productID: Int64, detail: String)] {
        struct Problem: Decodable {
            struct FieldError: Decodable {
                let field: String
                let message: String
            }
            let detail: String?
            let errors: [FieldError]?
        }
        let problem = try reply.decode(Problem.self)
        return (problem.errors ?? []).compactMap { error in
            guard error.field.hasPrefix("product:"), let id = Int64(error.field.dropFirst("product:".count)) else {
                return nil
            }
            return (id, error.message)
        }
    }
}
