import Foundation
import NIOHTTP1
import ShopPlatform

/// One of the shop's services as the frontend calls it: JSON over the shared
/// `ServiceClient`, with the customer's access token when there is one.
struct Backend: Sendable {
    /// A 4xx from the service, with its problem document.
    struct Refusal: Error, Sendable {
        let status: Int
        let problem: ProblemDoc
    }

    let client: ServiceClient

    func get<T: Decodable>(_ path: String, token: String? = nil, requestID: String?) async throws -> T {
        try await call(.GET, path, token: token, idempotent: true, requestID: requestID)
    }

    func call<T: Decodable>(
        _ method: HTTPMethod, _ path: String, json: (any Encodable)? = nil, token: String? = nil,
        idempotent: Bool = false, headers: [(String, String)] = [], requestID: String?
    ) async throws -> T {
        let reply = try await send(
            method, path, json: json, token: token, idempotent: idempotent, headers: headers, requestID: requestID)
        return try reply.decode(T.self)
    }

    /// For calls whose answer has no body worth decoding.
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, json: (any Encodable)? = nil, token: String? = nil,
        idempotent: Bool = false, headers: [(String, String)] = [], requestID: String?
    ) async throws -> ServiceClient.Reply {
        var allHeaders = headers
        if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
        let body = try json.map { try JSONEncoder.shop.encode($0) }
        let reply = try await client.send(
            method, path, body: body, headers: allHeaders, idempotent: idempotent, requestID: requestID)
        guard reply.status < 400 else {
            throw Refusal(
                status: reply.status,
                problem: (try? reply.decode(ProblemDoc.self)) ?? ProblemDoc(detail: "Request refused", errors: nil))
        }
        return reply
    }
}

/// The three services behind the frontend.
struct Backends: Sendable {
    let users: Backend
    let products: ProductCatalogue
    let orders: Backend
}
