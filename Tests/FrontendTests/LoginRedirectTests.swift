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

    /// A signed-out visitor is sent to log in the same way from everywhere: back
    /// to the page afterwards; 302 from a page, 303 after a form.
    @Test func everySignedOutPathLeadsToLoginAndBack() async throws {
        try await FrontendHarness.run { browser, _ in
            let cases: [(HTTPRequest.Method, String, HTTPResponse.Status, String)] = [
                (.get, "/cart", .found, "/login?next=%2Fcart"),
                (.get, "/order/MS-ABCDEFGH/thank-you", .found, "/login?next=%2Forder%2FMS-ABCDEFGH%2Fthank-you"),
                (.post, "/cart/items/1", .seeOther, "/login?next=%2Fcart"),
                (.post, "/cart/items/1/remove", .seeOther, "/login?next=%2Fcart"),
                (.post, "/checkout", .seeOther, "/login?next=%2Fcart"),
                (.post, "/orders/MS-ABCDEFGH/cancel", .seeOther, "/login?next=%2Forders%2FMS-ABCDEFGH"),
            ]
            for (method, path, status, location) in cases {
                _ = try await browser.get("/login")  // a page with a form, for its CSRF token
                let response =
                    method == .get ? try await browser.get(path) : try await browser.post(path, [("quantity", "1")])
                #expect(response.status == status, "\(method) \(path)")
                #expect(response.headers[.location] == location, "\(method) \(path)")
            }
        }
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
