import Foundation
import Hummingbird
import ShopPlatform

/// Keeps the customer's access token fresh: a token close to expiry is
/// exchanged with user-service using the refresh token, transparently. A
/// refused refresh ends the session.
struct TokenKeeper: Sendable {
    let users: CustomerAccounts

    func token(for context: FrontendContext) async -> String? {
        let session = context.session.value
        guard let access = session.accessToken else { return nil }
        if let expiry = session.accessExpiresAt, expiry.timeIntervalSinceNow > 30 { return access }
        guard let refresh = session.refreshToken else { return access }
        do {
            let renewed = try await users.refresh(refresh, requestID: context.id)
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

    /// The one way to send a signed-out visitor to log in: the login page, then
    /// back to `path` (by default this request's page). 302 from a page; 303
    /// after a form, so the browser fetches the login page rather than re-posting.
    func loginRedirect(for request: Request, returningTo path: String? = nil) -> Response {
        let next = (path ?? request.uri.path).urlComponent
        return .redirect(to: "/login?next=\(next)", type: [.get, .head].contains(request.method) ? .found : .normal)
    }
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
