import Foundation
import Hummingbird
import ShopPlatform

/// `/v1/reservations`: stock reservations, callable only with the service credential.
struct ReservationRoutes {
    typealias Context = ShopRequestContext
    let reservations: ReservationStore
    let cache: CatalogueCache
    static let maxLines = 100
    static let maxQuantity = 10_000

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: reserve)
        group.get(":order_id", use: show)
        group.delete(":order_id", use: release)
    }

    /// 201 with prices on first success, 200 with the same body on a replay.
    @Sendable func reserve(_ request: Request, context: Context) async throws -> EditedResponse<Reservation> {
        let input = try await request.decode(as: ReservationRequest.self, context: context)
        let (orderID, lines) = try Self.validate(input)
        do {
            switch try await reservations.reserve(orderID: orderID, lines: lines) {
            case .created(let reservation):
                cache.invalidate()
                return .init(status: .created, response: reservation)
            case .replayed(let reservation):
                return .init(status: .ok, response: reservation)
            }
        } catch let refusal as ReservationStore.Refusal {
            throw Self.problem(for: refusal)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Reservation {
        let orderID = try Self.orderID(context)
        guard let reservation = try await reservations.find(orderID: orderID) else {
            throw ProblemError.notFound("No reservation for order \(orderID)")
        }
        return reservation
    }

    /// Idempotent: the stock comes back once; later calls report `released`.
    @Sendable func release(_ request: Request, context: Context) async throws -> Reservation {
        let orderID = try Self.orderID(context)
        guard let reservation = try await reservations.release(orderID: orderID) else {
            throw ProblemError.notFound("No reservation for order \(orderID)")
        }
        cache.invalidate()
        return reservation
    }

    static func validate(_ input: ReservationRequest) throws -> (Int64, [(productID: Int64, quantity: Int)]) {
        var validator = Validator()
        let orderID = validator.require(input.orderID, "order_id")
        if let orderID { validator.check(orderID > 0, "order_id", "must be a positive id") }
        let lines = validator.require(input.lines, "lines") ?? []
        validator.check(
            input.lines == nil || (1...maxLines).contains(lines.count), "lines", "must have 1 to \(maxLines) lines")
        var parsed: [(productID: Int64, quantity: Int)] = []
        for (index, line) in lines.enumerated() {
            guard let productID = line.productID, productID > 0 else {
                validator.check(false, "lines[\(index)].product_id", "must be a positive product id")
                continue
            }
            guard let quantity = line.quantity, (1...maxQuantity).contains(quantity) else {
                validator.check(false, "lines[\(index)].quantity", "must be from 1 to \(maxQuantity)")
                continue
            }
            parsed.append((productID, quantity))
        }
        validator.check(
            Set(parsed.map(\.productID)).count == parsed.count, "lines", "each product may appear only once")
        try validator.throwIfInvalid()
        guard let orderID else { throw ProblemError.validation(validator.errors) }
        return (orderID, parsed)
    }

    static func problem(for refusal: ReservationStore.Refusal) -> ProblemError {
        switch refusal {
        case .shortages(let shortages):
            let detail = shortages.map {
                "product \($0.productID): requested \($0.requested), available \($0.available)"
            }.joined(separator: "; ")
            return ProblemError(
                .conflict, "Insufficient stock: \(detail)", kind: "insufficient-stock",
                fieldErrors: shortages.map {
                    .init(
                        field: "product:\($0.productID)",
                        message: "requested \($0.requested), available \($0.available)")
                })
        case .unavailable(let ids):
            return ProblemError(
                .unprocessableContent,
                "Unknown or inactive products: \(ids.map(String.init).joined(separator: ", "))",
                kind: "unavailable-product",
                fieldErrors: ids.map { .init(field: "product:\($0)", message: "is unknown or no longer sold") })
        case .mixedCurrencies:
            return ProblemError(.unprocessableContent, "All lines of one order must share a currency")
        case .differentLines:
            return ProblemError(
                .conflict, "This order was already reserved with different lines", kind: "reservation-mismatch")
        }
    }

    static func orderID(_ context: Context) throws -> Int64 {
        guard let id = context.parameters.get("order_id", as: Int64.self), id > 0 else {
            throw ProblemError.notFound("No such reservation")
        }
        return id
    }
}
