import Foundation
import Synchronization

/// What user-service publishes at `GET /v1/revocations?since=<ms>`: the sessions
/// (refresh families, the `sid` of access tokens) revoked after `since`.
///
/// A session id is no credential (tokens are signed), so the feed is public
/// like the JWKS.
public struct RevocationFeed: Codable, Sendable, Equatable {
    /// user-service's clock when it answered, milliseconds since 1970.
    public var asOf: Int64
    /// How long an entry matters: the longest access-token lifetime, after which
    /// every token of a revoked session has expired anyway.
    public var retainSeconds: Int64
    public var sessions: [Entry]

    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        /// Milliseconds since 1970.
        public var revokedAt: Int64

        public init(id: String, revokedAt: Int64) {
            self.id = id
            self.revokedAt = revokedAt
        }

        enum CodingKeys: String, CodingKey {
            case id
            case revokedAt = "revoked_at"
        }
    }

    public init(asOf: Int64, retainSeconds: Int64, sessions: [Entry]) {
        self.asOf = asOf
        self.retainSeconds = retainSeconds
        self.sessions = sessions
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case retainSeconds = "retain_seconds"
        case sessions
    }
}

/// The revoked sessions a service knows of, read on every authenticated request.
///
/// Filled by `RevocationPolling`; entries leave once every token of their
/// session has expired, so the list stays as small as the recent logouts.
public final class RevocationList: Sendable {
    private struct State {
        var revokedAt: [String: Int64] = [:]
        /// Where the next poll starts: the last answer's `as_of`, or nil before any.
        var asOf: Int64?
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether a poll has succeeded yet: until then tokens cannot be checked
    /// against the list (see `RevocationPolling`).
    public var isLoaded: Bool {
        state.withLock { $0.asOf != nil }
    }

    /// Waits (briefly, by polling the flag) for the first successful poll;
    /// whether it came within `limit`. Only requests of a service's first
    /// moments ever wait: once loaded, this is one check.
    public func waitUntilLoaded(upTo limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !isLoaded {
            guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(50))) != nil else {
                return isLoaded
            }
        }
        return true
    }

    /// Whether a token of `sessionID` is to be refused; nil while the list
    /// was never loaded (one lock: this runs on every authenticated request).
    public func refuses(_ sessionID: String?) -> Bool? {
        state.withLock { state in
            guard state.asOf != nil else { return nil }
            guard let sessionID else { return true }
            return state.revokedAt[sessionID] != nil
        }
    }

    public func contains(_ sessionID: String) -> Bool {
        state.withLock { $0.revokedAt[sessionID] != nil }
    }

    /// The `since` to ask for next: a minute before the last answer, so a
    /// revocation committed late or stamped by a replica whose clock lags is
    /// still seen; repeats merge harmlessly.
    public var nextSince: Int64 {
        state.withLock { $0.asOf.map { max(0, $0 - 60_000) } ?? 0 }
    }

    public func merge(_ feed: RevocationFeed) {
        state.withLock { state in
            for entry in feed.sessions { state.revokedAt[entry.id] = entry.revokedAt }
            // Five minutes past the longest token life: clocks of user-service
            // replicas and of this service may disagree a little.
            let horizon = feed.asOf - feed.retainSeconds * 1000 - 300_000
            state.revokedAt = state.revokedAt.filter { $0.value >= horizon }
            state.asOf = feed.asOf
        }
    }
}
