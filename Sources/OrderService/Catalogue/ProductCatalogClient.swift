import Foundation
import OpenAPIRuntime
import ProductServiceAPI
import ShopPlatform

/// A product as product-service's document describes it.
typealias ProductSummary = Components.Schemas.Product

/// A checkout attempt's reservation as product-service's document describes it.
typealias ReservedStock = Components.Schemas.Reservation

extension ReservedStock {
    /// Held for exactly this order and these lines, at the total its customer
    /// confirmed (if they named one): what may be placed.
    func holds(_ order: Order) -> Bool {
        status == .reserved && orderId == order.id && currency != nil && totalMinor != nil
            && Dictionary(uniqueKeysWithValues: lines.map { ($0.productId, Int($0.quantity)) })
                == Dictionary(uniqueKeysWithValues: order.lines.map { ($0.productID, $0.quantity) })
            && comesTo(order.expectedTotal)
    }

    /// True when nothing is expected, or the reserved total is exactly that.
    func comesTo(_ expected: Money?) -> Bool {
        guard let expected else { return true }
        return totalMinor == expected.minorUnits && currency == expected.currency
    }
}

/// order-service's view of product-service: the client generated from
/// product-service's OpenAPI document, under the `ServiceClient`'s rules
/// (deadline, retries for idempotent calls, circuit breaker, metrics).
struct ProductCatalogClient: Sendable {
    enum ReserveResult: Sendable {
        case reserved(ReservedStock)
        /// 409: lines short of stock, with what was asked for and what is left.
        case insufficient([ProblemError.ProductLine])
        /// 422: unknown or withdrawn products.
        case unavailable([ProblemError.ProductLine])
        /// 422: lines priced in another currency than the first.
        case mixedCurrencies([ProblemError.ProductLine])
        /// 409 about the attempt itself: released already, or reserved for other lines.
        case attemptOver(String)
    }

    let api: Client
    /// Products by the ids asked for, as last answered; at most 10,000 products kept.
    private let batches: ETagCache<[ProductSummary]>

    /// A reservation is keyed by its checkout id, so repeating it is safe.
    /// Products are shown for `freshFor` without asking again: carts show names
    /// and prices, which a checkout's reservation confirms.
    init(client: ServiceClient, freshFor: Duration = .zero) throws {
        self.api = Client(
            serverURL: try client.serverURL, configuration: client.clientConfiguration, transport: client.transport,
            middlewares: [client.middleware(idempotentOperations: ["reserveStock"])])
        self.batches = ETagCache(capacity: 10_000, freshFor: freshFor, weight: { $0.count })
    }

    /// How many ids product-service answers in one call (its document's limit).
    static let idsPerCall = 100

    /// Products by id, inactive ones included; missing ids are simply absent.
    /// More ids than one call takes are asked for in several. Within `freshFor`
    /// of the last answer for the same ids no call is made; after it, the call
    /// names that answer's ETag, so an unchanged one (304) is not decoded again.
    func products(ids: [Int64], requestID: String? = nil) async throws -> [Int64: ProductSummary] {
        var found: [Int64: ProductSummary] = [:]
        let ids = Array(Set(ids)).sorted()
        for start in stride(from: 0, to: ids.count, by: Self.idsPerCall) {
            let batch = ids[start..<min(start + Self.idsPerCall, ids.count)].map(String.init).joined(separator: ",")
            let items = try await batches.value(for: batch) { ifNoneMatch in
                let answer = try await ServiceCallMiddleware.calling(requestID: requestID) {
                    try await api.listProducts(query: .init(ids: batch), headers: .init(ifNoneMatch: ifNoneMatch))
                }
                if case .notModified = answer { return nil }
                let page = try answer.ok
                return (try page.body.json.items, page.headers.eTag)
            }
            for product in items { found[product.id] = found[product.id] ?? product }
        }
        return found
    }

    /// Drops the product answers kept for `freshFor`: the next read asks.
    func forgetRememberedProducts() {
        batches.removeAll()
    }

    func reserve(_ order: Order, checkoutID: String, requestID: String? = nil) async throws -> ReserveResult {
        let request = Components.Schemas.ReservationRequest(
            checkoutId: checkoutID, orderId: order.id,
            lines: order.lines.map { .init(productId: $0.productID, quantity: Int64($0.quantity)) })
        switch try await ServiceCallMiddleware.calling(
            requestID: requestID, { try await api.reserveStock(body: .json(request)) })
        {
        case .created(let created): return .reserved(try created.body.json)
        case .ok(let replay): return .reserved(try replay.body.json)
        case .conflict(let conflict):
            let problem = try conflict.body.applicationProblemJson
            if problem._type.hasSuffix("/reservation-released") || problem._type.hasSuffix("/reservation-mismatch") {
                return .attemptOver(problem._type)
            }
            return .insufficient(problem.productLines)
        case .unprocessableContent(let refused):
            let problem = try refused.body.applicationProblemJson
            if problem._type.hasSuffix("/mixed-currencies") { return .mixedCurrencies(problem.productLines) }
            return .unavailable(problem.productLines)
        default:
            throw ServiceClient.Unavailable(description: "product-service refused the reservation")
        }
    }

    /// Nil when product-service has no reservation for the attempt.
    func reservation(checkoutID: String) async throws -> ReservedStock? {
        let answer = try await ServiceCallMiddleware.calling(requestID: nil) {
            try await api.getReservation(path: .init(checkoutId: checkoutID))
        }
        switch answer {
        case .ok(let found): return try found.body.json
        case .notFound: return nil
        default: throw ServiceClient.Unavailable(description: "product-service did not answer with the reservation")
        }
    }

    /// Returns the stock; releasing twice is fine, and releasing an attempt that
    /// never reserved makes sure it never will.
    func release(checkoutID: String, requestID: String? = nil) async throws {
        let answer = try await ServiceCallMiddleware.calling(requestID: requestID) {
            try await api.releaseReservation(path: .init(checkoutId: checkoutID))
        }
        guard case .ok = answer else {
            throw ServiceClient.Unavailable(description: "product-service did not release \(checkoutID)")
        }
    }

    /// Up to `limit` live reservations after `cursor`, oldest first.
    func liveReservations(after cursor: Int64, limit: Int) async throws -> [ReservedStock] {
        try await ServiceCallMiddleware.calling(requestID: nil) {
            try await api.listLiveReservations(query: .init(status: .reserved, limit: limit, cursor: String(cursor)))
                .ok.body.json.items
        }
    }

}

extension Components.Schemas.Problem {
    /// The product lines a refusal names, as the platform's error type carries them.
    /// A product-service from before `lines` (during a rolling deploy) names them
    /// only as `errors` fields `product:<id>`: read those, without names or counts.
    var productLines: [ProblemError.ProductLine] {
        if let lines {
            return lines.map {
                .init(
                    productID: $0.productId, name: $0.name, requested: $0.requested.map { Int($0) },
                    available: $0.available.map { Int($0) })
            }
        }
        return (errors ?? []).compactMap { error in
            guard error.field.hasPrefix("product:"), let id = Int64(error.field.dropFirst("product:".count))
            else { return nil }
            return .init(productID: id, name: nil)
        }
    }
}
