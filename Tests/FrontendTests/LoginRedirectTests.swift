import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopTestSupport
import Testing

@testable import Frontend

/// `?next=` after login may only lead to a path on this site: every known way of
/// smuggling another host past a "starts with /" check is refused.
@Suite("Login redirect")
struct LoginRedirectTests {
    static let bypasses = [
        "//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
        "/\\/evil.example", "\\/evil.example", "/ /evil.example", "https://evil.example", "evil.example",
        "/%09/evil.example", "/%2F/evil.example", "/%5Cevil.example", "/%0d%0a/evil.example", "/\u{0}/evil.example",
        "/\u{3000}/evil.example", "/\u{FF0F}evil.example",
        "/\u{7F}/evil.example", "", "%2F%2Fevil.example", "/\u{2028}/evil.example",
    ]

    @Test(arguments: bypasses)
    func bypassesAreRefused(next: String) {
        #expect(AccountRoutes.safeNext(next) == nil, "\(next.debugDescription)")
    }

    @Test(arguments: ["/", "/cart", "/orders/SO-123?tab=1", "/product/classic-mug#top", "/admin/orders?status=placed"])
    func sitePathsAreKept(next: String) {
        #expect(AccountRoutes.safeNext(next) == next)
    }

    /// Through the real form: a tab-smuggled `next` lands on the home page.
    @Test func loginIgnoresASmuggledNext() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.register("rhea")
            try await browser.post("/logout")
            let page = try await browser.get("/login?next=/%09/evil.example")
            #expect(page.status == .ok)
            #expect(!page.text.contains("evil.example"))
            let response = try await browser.post(
                "/login", [("username", "rhea"), ("password", "password-123"), ("next", "/\t/evil.example")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
        }
    }
}
