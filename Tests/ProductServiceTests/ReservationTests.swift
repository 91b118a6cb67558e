import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import ProductService

@Suite("Stock reservations")
struct ReservationTests {
    @Test(arguments: TestBackend.available)
    func onlyTheServiceCredentialMayReserve(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            #expect(try await client.reserve(1, [(id, 1)], token: nil).status == .unauthorized)
            #expect(try await client.reserve(1, [(id, 1)], token: "wrong-secret").status == .unauthorized)
            #expect(try await client.reserve(1, [(id, 1)], token: harness.customer).status == .forbidden)
            #expect(try await client.reserve(1, [(id, 1)], token: harness.admin).status == .forbidden)
            #expect(try await client.call(.get, "/v1/reservations/c-1", token: harness.customer).status == .forbidden)
            #expect(try await client.call(.delete, "/v1/reservations/c-1").status == .unauthorized)
            #expect(try await client.stock(of: "pen", harness: harness) == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func reserveRecordsPricesAndIsIdempotent(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let pen = try #require(
                try await client.createProduct("pen", price: 1250, stock: 5, harness: harness)["id"] as? Int)
            let pad = try #require(
                try await client.createProduct("pad", price: 300, stock: 5, harness: harness)["id"] as? Int)

            let first = try await client.reserve(42, [(pen, 2), (pad, 1)])
            #expect(first.status == .created)
            #expect(first.json["total_minor"] as? Int == 2800)
            #expect(first.json["currency"] as? String == "USD")
            #expect(first.json["status"] as? String == "reserved")
            let lines = try #require(first.json["lines"] as? [[String: Any]])
            #expect(lines.compactMap { $0["unit_price_minor"] as? Int } == [1250, 300])
            #expect(try await client.stock(of: "pen", harness: harness) == 3)

            // The price changes later; the reservation keeps the price at reservation time.
            _ = try await client.call(.patch, "/v1/products/pen", json: ["price_minor": 9999], token: harness.admin)
            let replay = try await client.reserve(42, [(pad, 1), (pen, 2)])
            #expect(replay.status == .ok)
            #expect(replay.json["total_minor"] as? Int == 2800)
            #expect(try await client.stock(of: "pen", harness: harness) == 3, "a replay must not take stock twice")

            let different = try await client.reserve(42, [(pen, 1)])
            #expect(different.status == .conflict)

            let status = try await client.call(.get, "/v1/reservations/c-42", token: ProductServiceHarness.serviceToken)
            #expect(status.json["status"] as? String == "reserved")
            #expect(
                try await client.call(.get, "/v1/reservations/c-43", token: ProductServiceHarness.serviceToken).status
                    == .notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func shortagesAreNamedAndNothingIsTaken(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let pen = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            let pad = try #require(try await client.createProduct("pad", stock: 1, harness: harness)["id"] as? Int)
            let ink = try #require(try await client.createProduct("ink", stock: 0, harness: harness)["id"] as? Int)

            let short = try await client.reserve(7, [(pen, 2), (pad, 3), (ink, 1)])
            #expect(short.status == .conflict)
            let named = (short.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(named == ["product:\(pad)", "product:\(ink)"])
            #expect((short.json["detail"] as? String)?.contains("requested 3, available 1") == true)
            // What a consumer needs, as typed fields: no parsing of `errors`, no second call for names.
            let lines = try #require(short.json["lines"] as? [[String: Any]])
            #expect(lines.map { $0["product_id"] as? Int } == [pad, ink])
            #expect(lines.map { $0["name"] as? String } == ["Pad", "Ink"])
            #expect(lines.map { $0["requested"] as? Int } == [3, 1])
            #expect(lines.map { $0["available"] as? Int } == [1, 0])
            #expect(try await client.stock(of: "pen", harness: harness) == 5, "all or nothing")
            #expect(
                try await client.call(.get, "/v1/reservations/c-7", token: ProductServiceHarness.serviceToken).status
                    == .notFound)

            _ = try await client.call(.delete, "/v1/products/pad", token: harness.admin)
            let inactive = try await client.reserve(8, [(pen, 1), (pad, 1)])
            #expect(inactive.status == .unprocessableContent)
            #expect(try await client.reserve(9, [(999_999, 1)]).status == .unprocessableContent)
            #expect(try await client.stock(of: "pen", harness: harness) == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func malformedRequestsAre422(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let pen = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            let token = ProductServiceHarness.serviceToken
            #expect(try await client.reserve(1, [(pen, 0)]).status == .unprocessableContent)
            #expect(try await client.reserve(1, [(pen, -2)]).status == .unprocessableContent)
            #expect(try await client.reserve(1, [(pen, 1), (pen, 1)]).status == .unprocessableContent)
            #expect(try await client.reserve(0, [(pen, 1)]).status == .unprocessableContent)
            #expect(try await client.reserve(1, []).status == .unprocessableContent)
            #expect(
                try await client.call(.post, "/v1/reservations", json: ["lines": "x"], token: token).status
                    == .badRequest)
            #expect(
                try await client.call(.post, "/v1/reservations", json: [:], token: token).status
                    == .unprocessableContent)
            #expect(try await client.stock(of: "pen", harness: harness) == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func releaseReturnsStockExactlyOnce(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let pen = try #require(try await client.createProduct("pen", stock: 5, harness: harness)["id"] as? Int)
            let token = ProductServiceHarness.serviceToken
            _ = try await client.reserve(5, [(pen, 3)])
            #expect(try await client.stock(of: "pen", harness: harness) == 2)

            let released = try await client.call(.delete, "/v1/reservations/c-5", token: token)
            #expect(released.status == .ok)
            #expect(released.json["status"] as? String == "released")
            #expect(try await client.stock(of: "pen", harness: harness) == 5)
            #expect(try await client.call(.delete, "/v1/reservations/c-5", token: token).status == .ok)
            #expect(try await client.stock(of: "pen", harness: harness) == 5)

            // A released attempt is over; the order checks out again as a new attempt,
            // other lines included.
            let late = try await client.reserve(5, [(pen, 3)])
            #expect(late.status == .conflict)
            #expect((late.json["type"] as? String)?.hasSuffix("/reservation-released") == true)
            let again = try await client.reserve(5, [(pen, 1)], checkout: "c-5-second")
            #expect(again.status == .created)
            #expect(again.json["status"] as? String == "reserved")
            #expect(try await client.stock(of: "pen", harness: harness) == 4)
        }
    }

    /// 50 concurrent orders for 1 unit each against stock 10: exactly 10 win.
    @Test(arguments: TestBackend.available)
    func concurrentReservationsNeverOversell(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(
                try await client.createProduct("last-units", stock: 10, harness: harness)["id"] as? Int)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for order in 1...50 {
                    group.addTask { try await client.reserve(Int64(order), [(id, 1)]).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 10)
            #expect(statuses.filter { $0 == .conflict }.count == 40)
            #expect(try await client.stock(of: "last-units", harness: harness) == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentReleasesReturnStockOnce(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 10, harness: harness)["id"] as? Int)
            _ = try await client.reserve(77, [(id, 4)])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await client.call(
                            .delete, "/v1/reservations/c-77", token: ProductServiceHarness.serviceToken
                        )
                        .status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            #expect(try await client.stock(of: "pen", harness: harness) == 10)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentReplaysOfOneOrderReserveOnce(backend: TestBackend) async throws {
        try await ProductServiceHarness.run(backend) { client, harness in
            let id = try #require(try await client.createProduct("pen", stock: 10, harness: harness)["id"] as? Int)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 { group.addTask { try await client.reserve(99, [(id, 3)]).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .ok }.count == 9)
            #expect(try await client.stock(of: "pen", harness: harness) == 7)
        }
    }
}
