import Foundation
import Hummingbird
import ShopPlatform

/// Register, log in, log out.
struct AccountRoutes {
    typealias Context = FrontendContext
    let backends: Backends
    let pages: PageRenderer

    func addRoutes(to router: Router<Context>) {
        router.get("/login", use: loginPage)
        router.post("/login", use: login)
        router.get("/register", use: registerPage)
        router.post("/register", use: register)
        router.post("/logout", use: logout)
    }

    struct LoginForm: Decodable {
        let username: String?
        let password: String?
        let next: String?
    }

    struct RegisterForm: Decodable {
        let username: String?
        let email: String?
        let password: String?
        let firstName: String?
        let lastName: String?

        enum CodingKeys: String, CodingKey {
            case username, email, password
            case firstName = "first_name"
            case lastName = "last_name"
        }
    }

    @Sendable func loginPage(_ request: Request, context: Context) async throws -> Response {
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        return pages.render("login", FormModel(next: next), context: context, title: "Log in")
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        let form = try await request.decode(as: LoginForm.self, context: context)
        let next = Self.safeNext(form.next)
        var model = FormModel(values: ["username": form.username ?? ""], next: next)
        do {
            let replaced = context.session.value
            let session = try await backends.users.logIn(
                username: form.username ?? "", password: form.password ?? "", requestID: context.id)
            // The session this browser held before is forgotten here: it is
            // ended at user-service too, not left live for a copy of the cookie.
            _ = await endSession(replaced, requestID: context.id)
            context.session.update {
                $0.signIn(session)
                // A token that was valid before signing in (and might have been
                // planted then) is not valid after.
                $0.csrf = ShopSession.randomToken()
                $0.cartCount = nil
                $0.flash(.success, "Welcome back, \(session.user.username).")
            }
            await refreshCartCount(context: context, token: session.accessToken)
            return .redirect(to: next ?? "/", type: .normal)
        } catch let refusal as Backend.Refusal {
            for error in refusal.problem.errors ?? [] { model.errors[error.field] = error.message }
            model.general =
                refusal.status == 429
                ? (refusal.problem.detail ?? "Too many attempts")
                : (model.errors.isEmpty ? "Wrong username or password." : nil)
            return pages.render(
                "login", model, context: context, status: refusal.status == 429 ? .tooManyRequests : .unauthorized,
                title: "Log in")
        } catch {
            model.general = "Logging in is unavailable right now. Please try again in a moment."
            return pages.render("login", model, context: context, status: .serviceUnavailable, title: "Log in")
        }
    }

    @Sendable func registerPage(_ request: Request, context: Context) async throws -> Response {
        pages.render("register", FormModel(), context: context, title: "Create an account")
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let form = try await request.decode(as: RegisterForm.self, context: context)
        var model = FormModel(values: [
            "username": form.username ?? "", "email": form.email ?? "", "first_name": form.firstName ?? "",
            "last_name": form.lastName ?? "",
        ])
        do {
            try await backends.users.register(
                .init(
                    username: form.username ?? "", email: form.email ?? "", password: form.password ?? "",
                    firstName: form.firstName ?? "", lastName: form.lastName ?? ""),
                requestID: context.id)
            let session = try await backends.users.logIn(
                username: form.username ?? "", password: form.password ?? "", requestID: context.id)
            context.session.update {
                $0.signIn(session)
                $0.csrf = ShopSession.randomToken()
                $0.cartCount = 0
                $0.flash(.success, "Welcome to Microshop, \(session.user.username)!")
            }
            return .redirect(to: "/", type: .normal)
        } catch let refusal as Backend.Refusal {
            for error in refusal.problem.errors ?? [] { model.errors[error.field] = error.message.capitalizedFirst }
            if model.errors.isEmpty { model.general = refusal.problem.detail }
            return pages.render(
                "register", model, context: context, status: .unprocessableContent, title: "Create an account")
        } catch {
            model.general = "Registration is unavailable right now. Please try again in a moment."
            return pages.render(
                "register", model, context: context, status: .serviceUnavailable, title: "Create an account")
        }
    }

    /// Revokes the session at user-service, then forgets it here. By refresh
    /// token, which ends the session even when the access token has expired.
    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        let ended = await endSession(context.session.value, requestID: context.id)
        // This browser forgets the tokens either way; if user-service did not
        // hear of it, the session lives on (for whoever holds a copy of the
        // cookie), and the customer is told so rather than reassured.
        context.session.update {
            $0.logOut()
            if ended {
                $0.flash(.info, "You are logged out.")
            } else {
                $0.flash(
                    .error,
                    "You are logged out on this device, but we could not end your session on our side. "
                        + "To be sure it has ended, log in and log out again in a few minutes.")
            }
        }
        return .redirect(to: "/", type: .normal)
    }

    /// Ends the browser's session at user-service, by its refresh token (the
    /// access token may have expired). False when user-service could not be
    /// told; a refusal means the session had already ended.
    private func endSession(_ session: ShopSession, requestID: String?) async -> Bool {
        do {
            if let refresh = session.refreshToken {
                try await backends.users.revoke(refresh, requestID: requestID)
            } else if let token = session.accessToken {
                try await backends.users.endSession(token: token, requestID: requestID)
            }
            return true
        } catch is Backend.Refusal {
            return true
        } catch {
            return false
        }
    }

    private func refreshCartCount(context: Context, token: String) async {
        if let cart = try? await backends.orders.cart(token: token, requestID: context.id) {
            context.session.update { $0.cartCount = Int(cart.itemCount) }
        }
    }

    /// Only same-site paths, so the login page cannot bounce people elsewhere: one
    /// leading `/`, then printable ASCII only. Browsers drop tabs and line breaks
    /// and read `\` as `/`, so `/\t/evil` or `/\evil` would become `//evil`.
    /// Escapes are judged decoded too (`/%09/evil` is `/\t/evil` to a lenient parser).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.utf8.allSatisfy({ (0x21...0x7E).contains($0) }),
            let decoded = next.removingPercentEncoding, isSamePath(next), isSamePath(decoded)
        else { return nil }
        return next
    }

    private static func isSamePath(_ path: String) -> Bool {
        let bytes = path.utf8
        return bytes.first == UInt8(ascii: "/") && bytes.dropFirst().first != UInt8(ascii: "/")
            && !bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }
    }
}
