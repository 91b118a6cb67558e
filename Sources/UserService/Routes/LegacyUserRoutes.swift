import Hummingbird
import HummingbirdAuth
import ShopPlatform

/// The training shop's user contract under `/api`, route for route, as a thin
/// adapter over `Accounts`. Its unsafe parts are fixed, not copied: the user list
/// is admin-only, and bad input is a JSON 4xx instead of an HTML page or a 500.
struct LegacyUserRoutes {
    typealias Context = ShopRequestContext
    let accounts: Accounts
    let legacyTokenLifetime: Duration

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("user/create", use: create)
        group.post("user/login", use: login)
        group.post("user/logout", use: logout)
        group.get("user/:username/exists", use: exists)
        group.get("user", use: current)
        group.group().add(middleware: AuthorizationPolicyMiddleware.adminOnly).get("users", use: all)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> LegacyResult<LegacyUser> {
        let input = try await request.decode(as: RegistrationInput.self, context: context)
        do {
            return LegacyResult(message: "User added", result: LegacyUser(try await accounts.register(input)))
        } catch var problem as ProblemError where problem.status == .unprocessableContent {
            // The original answered 400 to a bad form; keep that status, with JSON.
            problem.status = .badRequest
            throw problem
        }
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> LegacyLogin {
        let input = try await request.decode(as: LoginInput.self, context: context)
        let user: User
        do {
            user = try await accounts.authenticate(username: input.username, password: input.password)
        } catch let problem as ProblemError where problem.status == .unprocessableContent {
            throw ProblemError.unauthorized()
        }
        let session = try await accounts.startSession(for: user, accessLifetime: legacyTokenLifetime)
        return LegacyLogin(message: "Logged in", apiKey: session.accessToken)
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> LegacyMessage {
        guard let principal = context.identity else { return LegacyMessage(message: "You are not logged in") }
        try await accounts.logout(principal)
        return LegacyMessage(message: "You are logged out")
    }

    @Sendable func exists(_ request: Request, context: Context) async throws -> LegacyResult<Bool> {
        let username = context.parameters.get("username") ?? ""
        guard try await accounts.users.find(username: username) != nil else {
            throw ProblemError.notFound("Cannot find username")
        }
        return LegacyResult(result: true)
    }

    @Sendable func current(_ request: Request, context: Context) async throws -> LegacyResult<LegacyUser> {
        let user = try await accounts.user(for: try context.requireIdentity())
        return LegacyResult(result: LegacyUser(user, apiKey: context.accessToken))
    }

    /// Every account (the original listed them with their keys; this shows none).
    @Sendable func all(_ request: Request, context: Context) async throws -> [LegacyUser] {
        var users: [User] = []
        var after: Int64? = nil
        while true {
            let page = try await accounts.users.list(after: after, limit: 500)
            users += page
            guard page.count == 500, let last = page.last else { break }
            after = last.id
        }
        return users.map { LegacyUser($0) }
    }
}
