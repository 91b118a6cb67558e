import Foundation
import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// `/v1/users`: registration, the caller's own profile, and admin account management.
struct UserRoutes {
    typealias Context = ShopRequestContext
    let accounts: Accounts

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: register)
        group.get("me", use: me)
        group.patch("me", use: updateMe)
        group.get(":id", use: show)
        let admin = group.group().add(middleware: AuthorizationPolicyMiddleware.adminOnly)
        admin.get(use: list)
        admin.patch(":id", use: administer)
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> EditedResponse<UserResource> {
        let user = try await accounts.register(try await request.decode(as: RegistrationInput.self, context: context))
        return .init(status: .created, headers: [.location: "/v1/users/\(user.id)"], response: UserResource(user))
    }

    @Sendable func me(_ request: Request, context: Context) async throws -> UserResource {
        UserResource(try await accounts.user(for: try context.requireIdentity()))
    }

    @Sendable func updateMe(_ request: Request, context: Context) async throws -> UserResource {
        let principal = try context.requireIdentity()
        let user = try await accounts.user(for: principal)
        let input = try await request.decode(as: ProfileUpdateInput.self, context: context)
        return UserResource(try await accounts.updateProfile(of: user, with: input, session: principal.sessionID))
    }

    /// Admins see anyone; customers only themselves (others look like 404).
    @Sendable func show(_ request: Request, context: Context) async throws -> UserResource {
        let principal = try context.requireIdentity()
        let id = try userID(context)
        guard principal.isAdmin || principal.userID == id, let user = try await accounts.users.find(id: id) else {
            throw ProblemError.notFound("No user with id \(id)")
        }
        return UserResource(user)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> UserPage {
        let limit = try Pagination.limit(from: request)
        let after = try Pagination.cursor(from: request)
        let users = try await accounts.users.list(after: after, limit: Pagination.fetchLimit(limit))
        let page = Pagination.page(users, limit: limit, id: \.id)
        return UserPage(items: page.items.map(UserResource.init), nextCursor: page.nextCursor)
    }

    @Sendable func administer(_ request: Request, context: Context) async throws -> UserResource {
        let input = try await request.decode(as: AccountAdminInput.self, context: context)
        return UserResource(
            try await accounts.administer(userID: try userID(context), by: try context.requireIdentity(), with: input))
    }

    private func userID(_ context: Context) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else {
            throw ProblemError.notFound("No such user")
        }
        return id
    }
}
