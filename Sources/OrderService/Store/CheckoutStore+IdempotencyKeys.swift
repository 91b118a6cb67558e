import Foundation
import SQLKit
import ShopPlatform

/// The Idempotency-Key records that make a replayed checkout answer its first
/// result: one per user and key, naming the order it started, with the answer
/// once there is one. Answers that end an attempt are kept in the same
/// transaction as the attempt's end (`abandon`, `revertToCart`).
extension CheckoutStore {
    /// What an earlier checkout with the same key left behind.
    struct IdempotencyRecord: Sendable {
        let orderID: Int64
        let responseStatus: Int?
        let responseBody: String?
    }

    /// A checkout's answer as kept against its key.
    typealias Answer = (key: String, status: Int, body: String)

    /// The record of the key, as it stands now.
    func record(userID: Int64, key: String) async throws -> IdempotencyRecord? {
        try await database.withConnection { try await Self.record(userID: userID, key: key, db: $0) }
    }

    /// Keeps `answer` against its key, from now on the key's reply.
    func saveResponse(_ answer: Answer, userID: Int64) async throws {
        try await database.withConnection { try await Self.keep(answer, userID: userID, db: $0) }
    }

    /// For transient failures: the same key may try again (see `abandon`).
    static func forget(userID: Int64, key: String, db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM idempotency_keys WHERE user_id = \(bind: userID) AND key = \(bind: key)").run()
    }

    /// The answer a key gives from now on.
    static func keep(_ answer: Answer, userID: Int64, db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE idempotency_keys SET response_status = \(bind: answer.status), response_body = \(bind: answer.body)
            WHERE user_id = \(bind: userID) AND key = \(bind: answer.key)
            """
        ).run()
    }

    static func record(userID: Int64, key: String, db: any SQLDatabase) async throws -> IdempotencyRecord? {
        guard
            let row = try await db.raw(
                """
                SELECT order_id, response_status, response_body FROM idempotency_keys
                WHERE user_id = \(bind: userID) AND key = \(bind: key)
                """
            ).first()
        else { return nil }
        return IdempotencyRecord(
            orderID: try row.decode(column: "order_id", as: Int64.self),
            responseStatus: try row.decode(column: "response_status", as: Int?.self),
            responseBody: try row.decode(column: "response_body", as: String?.self))
    }
}
