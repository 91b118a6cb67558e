import Foundation
import OpenAPIRuntime
import ShopPlatform
import UserServiceAPI

/// A signed-in session as user-service's document describes it.
typealias SessionDoc = UserServiceAPI.Components.Schemas.Session

/// The storefront's view of user-service: registration and sessions, through
/// the client generated from its OpenAPI document. A 4xx comes out as
/// `Backend.Refusal`.
struct CustomerAccounts: Sendable {
    let api: UserServiceAPI.Client

    init(client: ServiceClient) throws {
        self.api = UserServiceAPI.Client(
            serverURL: try client.serverURL, configuration: client.clientConfiguration, transport: client.transport,
            middlewares: client.storefrontMiddlewares)
    }

    func register(_ registration: UserServiceAPI.Components.Schemas.Registration, requestID: String?) async throws {
        _ = try await ServiceCallMiddleware.calling(requestID: requestID) {
            try await api.createUser(body: .json(registration)).created
        }
    }

    func logIn(username: String, password: String, requestID: String?) async throws -> SessionDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID) {
            try await api.createSession(body: .json(.init(username: username, password: password))).created.body.json
        }
    }

    /// A new token pair for the refresh token (which is then spent).
    func refresh(_ refreshToken: String, requestID: String?) async throws -> SessionDoc {
        try await ServiceCallMiddleware.calling(requestID: requestID) {
            try await api.refreshSession(body: .json(.init(refreshToken: refreshToken))).ok.body.json
        }
    }

    /// Ends the session of a refresh token, even when its access token has expired.
    func revoke(_ refreshToken: String, requestID: String?) async throws {
        _ = try await ServiceCallMiddleware.calling(requestID: requestID) {
            try await api.revokeSessions(body: .json(.init(refreshToken: refreshToken))).noContent
        }
    }

    /// Ends the session the access token belongs to.
    func endSession(token: String, requestID: String?) async throws {
        _ = try await ServiceCallMiddleware.calling(requestID: requestID, token: token) {
            try await api.endCurrentSession().noContent
        }
    }
}
