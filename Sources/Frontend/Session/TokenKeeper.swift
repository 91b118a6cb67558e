import Foundation
import Hummingbird

/// Keeps the customer's access token fresh: a token close to expiry is
/// exchanged with user-service using the refresh token, transparently. A
/// refused refresh ends the session.
struct TokenKeeper: Sendable {
    let users: Backend

    func token(for context: FrontendContext) async -> String? {
        let session = context.session.value
        guard let access = session.accessToken else { return nil }
        if let expiry = session.accessExpiresAt, expiry.timeIntervalSinceNow > 30 { return access }
        guard let refresh = session.refreshToken else { return access }
        do {
            let renewed: SessionDoc = try await users.call(
                .POST, "/v1/sessions/refresh", json: ["refresh_token": refresh], requestID: context.id)
            context.session.update { $0.signIn(renewed) }
            return renewed.accessToken
        } catch is Backend.Refusal {
            context.session.update {
                $0.logOut()
                $0.flash(.info, "Your session has ended. Please log in again.")
            }
            return nil
        } catch {
            // user-service is unreachable: the current token may still be good.
            return access
        }
    }

    /// The token, or a redirect to the login page that comes back here.
    func require(_ request: Request, context: FrontendContext) async -> Gate {
        if let token = await token(for: context) { return .success(token) }
        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        return .failure(.redirect(to: "/login?next=\(next)", type: .found))
    }
}

/// A customer's access token, or the response to send instead (a redirect to
/// log in, or a 403 page).
enum Gate: Sendable {
    case success(String)
    case failure(Response)
}

extension ShopSession {
    mutating func signIn(_ doc: SessionDoc) {
        accessToken = doc.accessToken
        refreshToken = doc.refreshToken
        accessExpiresAt = doc.expiresAt
        userID = doc.user.id
        username = doc.user.username
        isAdmin = doc.user.isAdmin
    }
}
