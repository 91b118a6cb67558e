import Foundation
import HTTPTypes
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
import NIOCore
import SQLKit
import ShopPlatform
import ShopTestSupport
import Synchronization
import Testing

@testable import UserService

/// An attacker guessing or smuggling passwords: the lockout holds however many
/// guesses arrive at once, and a password is compared on all of its bytes.
@Suite("Credential attacks")
struct CredentialAttackTests {
    /// 30 wrong guesses sent at once: at most `LOGIN_MAX_FAILURES` reach the
    /// password check, the rest are refused with 429 before any bcrypt work.
    /// bcrypt cost 10 keeps every guess in flight while the others arrive.
    @Test(arguments: TestBackend.available, ["/v1/sessions", "/api/user/login"])
    func parallelGuessesCannotPassTheLockout(backend: TestBackend, route: String) async throws {
        try await UserServiceHarness.run(
            backend, settings: ["LOGIN_MAX_FAILURES": "5", "LOGIN_LOCKOUT_SECONDS": "120", "BCRYPT_COST": "10"]
        ) { client, _ in
            try await client.register("victim")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for guess in 0..<30 {
                    group.addTask {
                        try await client.execute(
                            uri: route, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                            body: .form([("username", "victim"), ("password", "guess-\(guess)")])
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let checked = statuses.filter { $0 == .unauthorized }.count
            let refused = statuses.filter { $0 == .tooManyRequests }.count
            #expect(checked <= 5, "\(checked) guesses reached the password check")
            #expect(checked + refused == 30, "\(statuses)")
            // The right password is refused too while the window lasts.
            let locked = try await client.call(
                .post, "/v1/sessions", json: ["username": "victim", "password": "password-123"])
            #expect(locked.status == .tooManyRequests)
        }
    }

    /// A success ends the count; a later failure starts a new one.
    @Test(arguments: TestBackend.available)
    func successResetsTheCount(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend, settings: ["LOGIN_MAX_FAILURES": "2"]) { client, _ in
            try await client.register("maya")
            let wrong: [String: Any] = ["username": "maya", "password": "wrong-password"]
            #expect(try await client.call(.post, "/v1/sessions", json: wrong).status == .unauthorized)
            _ = try await client.login("maya")
            #expect(try await client.call(.post, "/v1/sessions", json: wrong).status == .unauthorized)
            _ = try await client.login("maya")
        }
    }

    @Test(arguments: TestBackend.available)
    func controlCharactersInPasswordsAreRefused(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            for (index, password) in [
                "\u{0}secretpassword", "goodpass\u{0}x", "tab\tinside-ok?\u{7}", "\u{85}password",
            ]
            .enumerated() {
                let response = try await client.call(
                    .post, "/v1/users",
                    json: ["username": "nul\(index)", "email": "nul\(index)@example.com", "password": password])
                #expect(response.status.code / 100 == 4 && response.status != .created, "\(password.debugDescription)")
            }
            // An account whose password is a prefix cannot be entered with a NUL suffix.
            try await client.register("goodpass", password: "goodpass")
            for password in ["goodpass\u{0}x", "goodpass\u{0}"] {
                let response = try await client.call(
                    .post, "/v1/sessions", json: ["username": "goodpass", "password": password])
                #expect(response.status.code / 100 == 4 && response.status != .created)
                let legacy = try await client.execute(
                    uri: "/api/user/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: .form([("username", "goodpass"), ("password", password)]))
                #expect(legacy.status == .unauthorized || legacy.status == .badRequest)
            }
            _ = try await client.login("goodpass", password: "goodpass")
        }
    }

    /// bcrypt reads 72 bytes: longer passwords are refused, counted in UTF-8 bytes.
    @Test(arguments: TestBackend.available)
    func passwordsAreBoundedByBytesNotCharacters(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let seventyTwo = String(repeating: "A", count: 72)
            try await client.register("longpass", password: seventyTwo)
            let token = try await client.accessToken("longpass", password: seventyTwo)
            // The current password of a password change is held to the same rule.
            let change = try await client.call(
                .patch, "/v1/users/me", json: ["password": "new-password-1", "current_password": seventyTwo + "X"],
                token: token)
            #expect(change.status == .unprocessableContent)
            // A 73rd byte would be ignored by bcrypt, so it is refused rather than ignored.
            let extended = try await client.call(
                .post, "/v1/sessions", json: ["username": "longpass", "password": seventyTwo + "X"])
            #expect(extended.status == .unauthorized)

            for (index, password) in [seventyTwo + "X", String(repeating: "€", count: 25)].enumerated() {
                let response = try await client.call(
                    .post, "/v1/users",
                    json: ["username": "long\(index)", "email": "long\(index)@example.com", "password": password])
                #expect(response.status == .unprocessableContent)
                #expect((response.json["detail"] as? String)?.contains("bytes") == true, "\(response.text)")
            }
            // 24 euro signs are 72 bytes: allowed.
            try await client.register("euro", password: String(repeating: "€", count: 24))
        }
    }

    /// Accounts from before the 72-byte rule may have longer passwords, hashed on
    /// their first 72 bytes: they keep logging in with the whole password, and a
    /// password change brings them under the new rule.
    @Test(arguments: TestBackend.available)
    func accountsFromBeforeTheByteRuleStillLogIn(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, harness in
            try await client.register("oldtimer")
            let long = String(repeating: "correct horse ", count: 7)
            let url = try #require(harness.environment["DATABASE_URL"])
            let database = try await ShopDatabase.open(url: url, poolSize: 1, logger: Logger(label: "test"))
            try await database.withRunningService {
                try await database.withConnection { db in
                    try await db.raw(
                        """
                        UPDATE users SET password_hash = \(bind: Bcrypt.hash(long, cost: 4)),
                            password_fits_bcrypt = \(bind: false)
                        WHERE username_key = 'oldtimer'
                        """
                    ).run()
                }
            }
            let token = try await client.accessToken("oldtimer", password: long)
            let changed = try await client.call(
                .patch, "/v1/users/me", json: ["password": "new-password-1", "current_password": long], token: token)
            #expect(changed.status == .ok, "\(changed.text)")
            _ = try await client.login("oldtimer", password: "new-password-1")
            let extended = try await client.call(
                .post, "/v1/sessions", json: ["username": "oldtimer", "password": "new-password-1" + long])
            #expect(extended.status == .unauthorized)
        }
    }

    /// The current password of a password change is a guess like any login.
    @Test(arguments: TestBackend.available)
    func currentPasswordGuessesAreThrottled(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend, settings: ["LOGIN_MAX_FAILURES": "2"]) { client, _ in
            try await client.register("guarded")
            let token = try await client.accessToken("guarded")
            var statuses: [HTTPResponse.Status] = []
            for guess in 0..<3 {
                statuses.append(
                    try await client.call(
                        .patch, "/v1/users/me",
                        json: ["password": "new-password-1", "current_password": "guess-\(guess)-wrong"], token: token
                    ).status)
            }
            #expect(statuses == [.unprocessableContent, .unprocessableContent, .tooManyRequests])
        }
    }

    /// A huge username is refused before any hashing or throttle bookkeeping.
    @Test(arguments: TestBackend.available)
    func hugeFieldsAreRefusedBeforeAnyWork(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend, settings: ["LOGIN_MAX_FAILURES": "1"]) { client, _ in
            let huge = String(repeating: "u", count: 900_000)
            let login = try await client.call(
                .post, "/v1/sessions", json: ["username": huge, "password": "password-1"])
            #expect(login.status == .unprocessableContent)
            // One visible character carrying 100k combining marks is not a short name.
            let zalgo = "e" + String(repeating: "\u{0301}", count: 100_000)
            let registration = try await client.call(
                .post, "/v1/users",
                json: [
                    "username": "zalgo", "email": "zalgo@example.com", "password": "password-123", "first_name": zalgo,
                ])
            #expect(registration.status == .unprocessableContent)
            #expect((registration.json["detail"] as? String)?.contains("first_name") == true)
        }
    }
}

/// NUL and other control characters: refused by the input layer on every text
/// field, on both databases, so nothing is stored cut short or reaches SQL.
@Suite("Control characters in text")
struct ControlCharacterTests {
    @Test(arguments: TestBackend.available)
    func controlCharactersAreA4xxAndChangeNothing(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let hostile: [[String: Any]] = [
                ["username": "admin\u{0}", "password": "password-123"],
                ["username": "root\u{1b}", "password": "password-123"],
            ]
            for body in hostile {
                let response = try await client.call(.post, "/v1/sessions", json: body)
                #expect(response.status == .badRequest, "\(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let fields = ["username", "email", "first_name", "last_name"]
            for field in fields {
                var body: [String: Any] = [
                    "username": "clean\(field.count)", "email": "clean\(field.count)@example.com",
                    "password": "password-123",
                ]
                body[field] = "a@b.c\u{0}x"
                let response = try await client.call(.post, "/v1/users", json: body)
                #expect(response.status == .badRequest, "\(field): \(response.text)")
            }
            // Form bodies (the training shop's) are held to the same rule.
            let form = try await client.execute(
                uri: "/api/user/create", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string: "username=formuser&email=f%40example.com&password=password-123&first_name=a%00b"))
            #expect(form.status == .badRequest)
            #expect(form.json["message"] is String)
            let query = try await client.get("/api/user/admin%00/exists")
            #expect(query.status == .badRequest)
            // An escaped backslash before "u0000" is ordinary text, not a NUL.
            let literal = try await client.call(
                .post, "/v1/users",
                json: ["username": "literal", "email": "literal@example.com", "password": "pass\\u0000word"])
            #expect(literal.status == .created, "\(literal.text)")
            _ = try await client.login("literal", password: "pass\\u0000word")

            let admin = try await client.accessToken(
                UserServiceHarness.adminUsername, password: UserServiceHarness.adminPassword)
            let list = try await client.get("/v1/users", token: admin)
            #expect((list.json["items"] as? [[String: Any]])?.count == 2)
        }
    }

    /// Names are one line of text: a newline or tab in one is refused.
    @Test(arguments: TestBackend.available)
    func singleLineFieldsRefuseLineBreaks(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            let response = try await client.call(
                .post, "/v1/users",
                json: [
                    "username": "lines", "email": "lines@example.com", "password": "password-123",
                    "first_name": "Ann\nAdmin",
                ])
            #expect(response.status == .unprocessableContent)
        }
    }
}

/// HTTP semantics an API client or proxy relies on.
@Suite("HTTP semantics")
struct HTTPSemanticsTests {
    @Test(arguments: TestBackend.available)
    func headAnswersEveryGetAnd401NamesTheScheme(backend: TestBackend) async throws {
        try await UserServiceHarness.run(backend) { client, _ in
            for path in ["/health/ready", "/health/live", "/.well-known/jwks.json", "/openapi.yaml"] {
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status == .ok, "HEAD \(path)")
                #expect(head.body.readableBytes == 0)
            }
            let anonymous = try await client.get("/v1/users/me")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let legacy = try await client.get("/api/user")
            #expect(legacy.status == .unauthorized)
            #expect(legacy.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
    }
}
