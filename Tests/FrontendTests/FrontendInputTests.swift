import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopTestSupport
import Testing

@testable import Frontend

/// The storefront's own forms are held to the services' text rules: a control
/// character is refused by the frontend itself, before any backend is asked.
@Suite("Storefront input", .serialized)
struct FrontendInputTests {
    @Test func controlCharactersInFormsAndURLsAre400() async throws {
        try await FrontendHarness.run { browser, _ in
            try await browser.get("/register")
            let registration = try await browser.post(
                "/register",
                [
                    ("username", "nully"), ("email", "nully@example.com"), ("password", "password-123"),
                    ("first_name", "Nul\u{0}ly"),
                ])
            #expect(registration.status == .badRequest)
            try await browser.get("/login")
            let login = try await browser.post("/login", [("username", "admin\u{0}"), ("password", "password-123")])
            #expect(login.status == .badRequest)
            #expect(try await browser.get("/?q=%00").status == .badRequest)
            // Nothing was registered.
            try await browser.get("/login")
            let refused = try await browser.post("/login", [("username", "nully"), ("password", "password-123")])
            #expect(refused.status != .seeOther)
        }
    }
}
