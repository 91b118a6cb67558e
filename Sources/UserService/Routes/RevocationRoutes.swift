import Foundation
import Hummingbird
import ShopPlatform

/// `GET /v1/revocations?since=<ms>`: the sessions revoked after `since`, which
/// every other service polls so an ended session is refused there within
/// seconds (see `RevocationPolling`). Public like the JWKS: it lists only the
/// random ids of sessions that no longer work.
struct RevocationRoutes {
    typealias Context = ShopRequestContext
    let sessions: RefreshSessionStore
    /// The longest life of an access token: older revocations concern only
    /// tokens that have expired, so they are not served.
    let retain: Duration

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> RevocationFeed {
        var since: Int64 = 0
        if let value = request.uri.queryParameters["since"] {
            guard let parsed = Int64(value), parsed >= 0 else {
                throw ProblemError.badRequest("since must be milliseconds since 1970, 0 or more")
            }
            since = parsed
        }
        let now = Date()
        let horizon = now.addingTimeInterval(-TimeInterval(retain.components.seconds))
        let from = min(max(Date(timeIntervalSince1970: TimeInterval(since) / 1000), horizon), now)
        let revoked = try await sessions.familiesRevoked(since: from)
        return RevocationFeed(
            asOf: Self.milliseconds(now), retainSeconds: retain.components.seconds,
            sessions: revoked.map {
                RevocationFeed.Entry(id: $0.familyID, revokedAt: Self.milliseconds($0.revokedAt))
            })
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension RevocationFeed: ResponseEncodable {}
