import Foundation
import HTTPTypes
import Logging
import Metrics
import ShopPlatform

/// The checkout saga.
///
/// 1. cart → `pending`, recording the Idempotency-Key and the total the caller
///    says it showed, if any (one transaction);
/// 2. reserve stock at product-service under a checkout id made for this attempt
///    (idempotent there, so retried on connection failures);
/// 3. reserved → `placed` with the reserved prices, unless the reserved total
///    differs from the one stored at step 1 (a price changed since):
///    then released, back to `cart`, 409 `prices-changed`; short or unknown
///    lines → back to `cart` with a 409/422 naming them; product-service unreachable →
///    release, back to `cart`, 503. If even the release fails the order stays
///    `pending` and the reconciler finishes the job.
///
/// The outcome is stored against the key, so a replay returns the first result.
struct Checkout: Sendable {
    enum Result: Sendable {
        case placed(Order)
        case refused(ProblemError)
    }

    let store: CheckoutStore
    let catalog: ProductCatalogClient
    let logger: Logger

    func run(userID: Int64, key: String, expecting expected: Money? = nil, requestID: String?) async throws
        -> Result
    {
        switch try await store.begin(userID: userID, key: key, expecting: expected) {
        case .noCart:
            throw ProblemError.notFound("You have no open cart to check out")
        case .emptyCart:
            throw ProblemError.validation([.init(field: "cart", message: "is empty")])
        case .inProgress:
            throw OrderRows.checkoutInProgress
        case .replay(let record):
            CheckoutMetrics.checkouts.increment(.replayed)
            return try await replay(record, userID: userID, key: key)
        case .started(let order):
            let started = ContinuousClock.now
            defer { CheckoutMetrics.duration.record(duration: .now - started) }
            do {
                return try await reserveAndPlace(order, key: key, requestID: requestID)
            } catch let problem as ProblemError where problem.status != .internalServerError {
                throw problem  // its outcome is counted where it was decided
            } catch {
                CheckoutMetrics.checkouts.increment(.error)
                throw error
            }
        }
    }

    private func reserveAndPlace(_ order: Order, key: String, requestID: String?) async throws -> Result {
        guard let checkoutID = order.checkoutID else {
            throw ProblemError(.internalServerError, "a pending order has no checkout id")
        }
        let outcome: ProductCatalogClient.ReserveResult
        do {
            outcome = try await catalog.reserve(order, checkoutID: checkoutID, requestID: requestID)
        } catch {
            CheckoutMetrics.checkouts.increment(.dependencyDown)
            logger.warning("reservation failed", metadata: ["order": "\(order.id)", "error": "\(error)"])
            guard await abandon(order, checkoutID: checkoutID, key: key, requestID: requestID) else {
                return try await current(order.id)
            }
            throw ProblemError(
                .serviceUnavailable,
                "The shop cannot reserve stock right now; your cart is unchanged. Please try again.",
                retryAfter: 5)
        }
        switch outcome {
        case .reserved(let stock):
            if let expected = order.expectedTotal, !stock.comesTo(expected) {
                return try await refuseChangedTotal(
                    order, key: key, checkoutID: checkoutID, reserved: stock, expected: expected, requestID: requestID)
            }
            guard let placed = try await store.place(orderID: order.id, reservation: stock) else {
                // The order stopped being pending meanwhile: this request outlived
                // the reconciler's grace, and the reconciler either placed it from
                // this reservation or set it aside owing the release, which it
                // then makes. Nothing is released here: a release on a misread
                // would put a placed order's stock back on sale.
                CheckoutMetrics.checkouts.increment(.abandoned)
                return try await current(order.id)
            }
            CheckoutMetrics.checkouts.increment(.placed)
            if let total = placed.totalMinor, let currency = placed.currency {
                CheckoutMetrics.orderValue(total, currency: currency)
            }
            // The order is placed whatever happens here: a replay works its answer
            // out from the order when the saved response is missing.
            do {
                try await store.saveResponse((key, 201, ""), userID: order.userID)
            } catch {
                logger.warning("checkout response not saved", metadata: ["order": "\(order.id)", "error": "\(error)"])
            }
            return .placed(placed)
        case .insufficient(let lines):
            CheckoutMetrics.checkouts.increment(.insufficientStock)
            return try await refuse(
                order, key: key, status: .conflict, kind: "insufficient-stock", lines: lines,
                summary: "Not enough stock", why: "not enough in stock")
        case .unavailable(let lines):
            CheckoutMetrics.checkouts.increment(.unavailableProduct)
            return try await refuse(
                order, key: key, status: .unprocessableContent, kind: "unavailable-product", lines: lines,
                summary: "Some products are no longer sold", why: "is unknown or no longer sold")
        case .mixedCurrencies(let lines):
            CheckoutMetrics.checkouts.increment(.mixedCurrencies)
            return try await refuse(
                order, key: key, status: .unprocessableContent, kind: "mixed-currencies", lines: lines,
                summary: "An order is paid in one currency; remove these lines or check them out separately",
                why: "is priced in another currency")
        case .attemptOver(let kind):
            // Only a foreign or corrupted reservation under this fresh id gets here.
            CheckoutMetrics.checkouts.increment(.abandoned)
            logger.error("reservation refused the attempt", metadata: ["order": "\(order.id)", "kind": "\(kind)"])
            guard await abandon(order, checkoutID: checkoutID, key: key, requestID: requestID) else {
                return try await current(order.id)
            }
            throw ProblemError.conflict("This checkout could not complete; your cart is unchanged. Please try again.")
        }
    }

    /// The reserved total is not the one the customer was shown: the attempt is
    /// set aside owing its release (the lines go back to a cart), the stock is
    /// released (by the reconciler if not now), and the refusal is remembered.
    private func refuseChangedTotal(
        _ order: Order, key: String, checkoutID: String, reserved: ReservedStock, expected: Money,
        requestID: String?
    ) async throws -> Result {
        let now = reserved.totalMinor.map { Money(minorUnits: $0, currency: reserved.currency ?? "") }
        let problem = ProblemError(
            .conflict,
            "Your order now comes to \(now?.formatted ?? "another total"), not the \(expected.formatted) "
                + "you were shown: a price (or your cart, in another tab) changed since. Nothing was charged "
                + "and your cart is unchanged; please review it and check out again.",
            kind: "prices-changed")
        // The refusal is kept with the set-aside, in one transaction: a retry of
        // the key never finds the attempt over without it, however slow the
        // release. Only a reconciler that outlived its grace could have placed
        // the order meanwhile; then it stands, as any placed order does.
        guard try await store.abandon(orderID: order.id, answer: try StoredProblem.answer(problem, key: key)) else {
            return try await current(order.id)
        }
        CheckoutMetrics.checkouts.increment(.pricesChanged)
        // The cart shows the new prices at once, not this replica's memory of the old.
        catalog.forgetRememberedProducts()
        await release(order, checkoutID: checkoutID, requestID: requestID)
        return .refused(problem)
    }

    /// Back to the cart with a problem naming the lines, remembered for replays.
    /// - Parameter why: what is wrong with a line the refusal gives no counts for.
    private func refuse(
        _ order: Order, key: String, status: HTTPResponse.Status, kind: String, lines: [ProblemError.ProductLine],
        summary: String, why: String
    ) async throws -> Result {
        let fieldErrors = lines.map { line in
            let counts = line.requested.flatMap { requested in
                line.available.map { "requested \(requested), available \($0)" }
            }
            return ProblemError.FieldError(
                field: "product:\(line.productID)",
                message: "\(line.name ?? "product \(line.productID)"): \(counts ?? why)")
        }
        let problem = ProblemError(
            status, "\(summary): " + fieldErrors.map(\.message).joined(separator: "; "), kind: kind,
            fieldErrors: fieldErrors, lines: lines)
        // Back in the cart with the refusal kept, in one transaction (a retry of
        // the key never finds the cart without it). Nothing was reserved, but a
        // retry of the same request may still be on its way: once the order is
        // back in the cart (and only then: otherwise the reconciler may have
        // placed it on that retry), releasing the attempt makes product-service
        // refuse it.
        // Not pending any more: the reconciler settled the attempt (it may have
        // placed it from an earlier reserve), so the key answers what it did.
        guard try await store.revertToCart(orderID: order.id, answer: try StoredProblem.answer(problem, key: key))
        else { return try await current(order.id) }
        try? await catalog.release(checkoutID: order.reservationKey)
        return .refused(problem)
    }

    /// After a failed reservation call: the attempt is set aside as owing its
    /// release and the user gets a fresh cart with the same lines, then the
    /// release is tried (the reconciler retries it if it fails). In that order,
    /// so that the reconciler can never place the attempt after its stock went
    /// back on sale. The key is freed in the same transaction, so the same key
    /// may try again, and only then.
    /// - Returns: false when the attempt was no longer pending: the reconciler
    ///   settled it (it may have placed it from this very reservation), so the
    ///   key answers what it became, not "your cart is unchanged".
    private func abandon(_ order: Order, checkoutID: String, key: String, requestID: String?) async -> Bool {
        do {
            guard try await store.abandon(orderID: order.id, forgetting: key) else { return false }
            await release(order, checkoutID: checkoutID, requestID: requestID)
        } catch {
            // The database failed as well: the order stays pending and the
            // reconciler resolves it.
            logger.error("could not return order to the cart", metadata: ["order": "\(order.id)", "error": "\(error)"])
        }
        return true
    }

    /// Releases an attempt set aside owing its release (`store.abandon`), or
    /// leaves that to the reconciler.
    private func release(_ order: Order, checkoutID: String, requestID: String?) async {
        do {
            try await catalog.release(checkoutID: checkoutID, requestID: requestID)
            try await store.markReleased(orderID: order.id)
        } catch {
            logger.warning("release failed; the reconciler will retry", metadata: ["order": "\(order.id)"])
        }
    }

    /// What a key already used answers: its kept refusal, or the order's state.
    func replay(_ record: CheckoutStore.IdempotencyRecord, userID: Int64, key: String) async throws -> Result {
        if let refusal = record.refusal { return .refused(refusal) }
        guard let order = try await store.order(id: record.orderID) else { throw Self.didNotComplete }
        if order.placedAt == nil, order.status == .cancelled || order.status == .cart,
            let again = try await store.record(userID: userID, key: key), let refusal = again.refusal
        {
            // Set aside or back in the cart after `record` was read: a refusal
            // kept with that change (`abandon`, `revertToCart`) is visible now.
            return .refused(refusal)
        }
        return try Self.result(for: order)
    }

    static let didNotComplete = ProblemError.conflict(
        "This checkout did not complete; start a new one with a new Idempotency-Key")

    /// The order's present state as a checkout result.
    private func current(_ orderID: Int64) async throws -> Result {
        guard let order = try await store.order(id: orderID) else { throw Self.didNotComplete }
        return try Self.result(for: order)
    }

    private static func result(for order: Order) throws -> Result {
        switch order.status {
        case .placed:
            return .placed(order)
        case .cancelled where order.placedAt != nil:
            return .placed(order)  // placed, then cancelled by its owner or an admin
        case .cancelled, .cart:
            // An attempt set aside unplaced (its reservation failed, or the
            // reconciler abandoned it, or it went back to the cart): this key
            // placed nothing.
            throw Self.didNotComplete
        case .pending:
            throw ProblemError(
                .conflict, "A checkout with this Idempotency-Key is still in progress", retryAfter: 2)
        }
    }

}
