import Foundation
import Hummingbird
import ShopPlatform

/// `/v1/reservations`: stock reservations, callable only with the service credential.
///
/// Reserving and releasing do not drop the catalogue cache: the stock a catalogue
/// page shows is a hint, at most `catalogue.cache.ms` old, and the reservation is
/// what decides. Dropping it on every reserve made every catalogue read under
/// checkout load a database read.
struct ReservationRoutes {
    typealias Context = ShopRequestContext
    let reservations: ReservationStore
    static let maxLines = 100
    static let maxQuantity = 10_000

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: reserve)
        group.get(use: live)
        group.get(":checkout_id", use: show)
        group.delete(":checkout_id", use: release)
    }

    /// 201 with prices on first success, 200 with the same body on a replay.
    @Sendable func reserve(_ request: Request, context: Context) async throws -> EditedResponse<Reservation> {
        let input = try await request.decode(as: ReservationRequest.self, context: context)
        let (checkoutID, orderID, lines) = try Self.validate(input)
        do {
            switch try await reservations.reserve(checkoutID: checkoutID, orderID: orderID, lines: lines) {
            case .created(let reservation):
                ReservationMetrics.reservations.increment(.created)
                return .init(status: .created, response: reservation)
            case .replayed(let reservation):
                ReservationMetrics.reservations.increment(.replayed)
                return .init(status: .ok, response: reservation)
            }
        } catch let refusal as ReservationStore.Refusal {
            let outcome: ReservationMetrics.Reservation =
                switch refusal {
                case .shortages: .insufficientStock
                case .unavailable: .unavailableProduct
                case .mixedCurrencies: .mixedCurrencies
                case .differentLines: .reservationMismatch
                case .released: .reservationReleased
                }
            ReservationMetrics.reservations.increment(outcome)
            throw Self.problem(for: refusal)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Reservation {
        let checkoutID = try Self.checkoutID(context)
        guard let reservation = try await reservations.find(checkoutID: checkoutID) else {
            throw ProblemError.notFound("No reservation for checkout \(checkoutID)")
        }
        return reservation
    }

    /// `?status=reserved&cursor=&limit=`: live reservations, oldest first.
    @Sendable func live(_ request: Request, context: Context) async throws -> ReservationPage {
        guard request.uri.queryParameters["status"].flatMap({ Reservation.Status(rawValue: String($0)) }) == .reserved
        else {
            throw ProblemError.validation([.init(field: "status", message: "must be reserved")])
        }
        let limit = try Pagination.limit(from: request)
        let found = try await reservations.live(
            after: try Pagination.cursor(from: request) ?? 0, limit: Pagination.fetchLimit(limit))
        let page = Pagination.page(found, limit: limit, id: \.id)
        return ReservationPage(items: page.items, nextCursor: page.nextCursor)
    }

    /// Idempotent: the stock comes back once; later calls report `released`. A
    /// checkout that never reserved is released too, so it never will.
    @Sendable func release(_ request: Request, context: Context) async throws -> Reservation {
        try await reservations.release(checkoutID: try Self.checkoutID(context))
    }

    static func validate(_ input: ReservationRequest) throws -> (String, Int64, [ReservationStore.Line]) {
        var validator = Validator()
        let checkoutID = validator.require(input.checkoutID, "checkout_id")
        if let checkoutID {
            validator.check(Self.isCheckoutID(checkoutID), "checkout_id", "must be 1 to 64 letters, digits or '-'")
        }
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
        guard let checkoutID, let orderID else { throw ProblemError.validation(validator.errors) }
        return (checkoutID, orderID, parsed)
    }

    /// A 422 naming the refused lines, in the detail and as fields.
    private static func refusing(
        _ lines: [ProblemError.ProductLine], kind: String, summary: String, why: String
    ) -> ProblemError {
        ProblemError(
            .unprocessableContent, summary + lines.map { String($0.productID) }.joined(separator: ", "), kind: kind,
            fieldErrors: lines.map { .init(field: "product:\($0.productID)", message: why) }, lines: lines)
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
                },
                lines: shortages.map(\.line))
        case .unavailable(let lines):
            return refusing(
                lines, kind: "unavailable-product", summary: "Unknown or inactive products: ",
                why: "is unknown or no longer sold")
        case .mixedCurrencies(let lines):
            return refusing(
                lines, kind: "mixed-currencies",
                summary: "All lines of one order must share the first line's currency; these do not: ",
                why: "is priced in another currency")
        case .differentLines:
            return ProblemError(
                .conflict, "This checkout already reserved other lines or for another order",
                kind: "reservation-mismatch")
        case .released:
            return ProblemError(
                .conflict, "This checkout's reservation was released; start a new checkout",
                kind: "reservation-released")
        }
    }

    static func isCheckoutID(_ value: String) -> Bool {
        (1...64).contains(value.utf8.count)
            && value.utf8.allSatisfy {
                $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
                    || (0x61...0x7A).contains($0)
            }
    }

    static func checkoutID(_ context: Context) throws -> String {
        guard let id = context.parameters.get("checkout_id"), isCheckoutID(id) else {
            throw ProblemError.notFound("No such reservation")
        }
        return id
    }
}
