import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// `/v1/sessions`: log in, rotate the refresh token, log out (by access or refresh token).
struct SessionRoutes {
    typealias Context = ShopRequestContext
    let accounts: Accounts

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: login)
        group.post("refresh", use: refresh)
        group.delete("current", use: logout)
        group.post("revoke", use: revoke)
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> EditedResponse<SessionResource> {
        let input = try await request.decode(as: LoginInput.self, context: context)
        let user = try await accounts.authenticate(username: input.username, password: input.password)
        return .init(
            status: .created, headers: [.cacheControl: "no-store"], response: try await accounts.startSession(for: user)
        )
    }

    @Sendable func refresh(_ request: Request, context: Context) async throws -> EditedResponse<SessionResource> {
        let input = try await request.decode(as: RefreshInput.self, context: context)
        return .init(headers: [.cacheControl: "no-store"], response: try await accounts.refresh(input))
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        try await accounts.logout(try context.requireIdentity())
        return .noContent
    }

    /// Logout by refresh token (RFC 7009's shape): 204 whether or not it was known.
    @Sendable func revoke(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        try await accounts.revoke(try await request.decode(as: RefreshInput.self, context: context))
        return .noContent
    }
}
