import Configuration
import Foundation
import HTTPTypes
import Testing

@testable import ShopPlatform

@Suite("Fault injection rules")
struct FaultsTests {
    @Test func rulesParseAndMatch() throws {
        let faults = try Faults(
            parsing:
                "route POST /v1/reservations delay=250; call delete /v1/reservations error=503 ;route * /v1/cart drop 0%"
        )
        #expect(faults.rules.count == 3)
        #expect(faults.effect(on: .route, method: "POST", path: "/v1/reservations") == .delay(.milliseconds(250)))
        #expect(faults.effect(on: .route, method: "GET", path: "/v1/reservations") == nil, "method must match")
        #expect(faults.effect(on: .call, method: "POST", path: "/v1/reservations") == nil, "side must match")
        #expect(faults.effect(on: .call, method: "DELETE", path: "/v1/reservations/abc") == .error(503))
        #expect(faults.effect(on: .route, method: "GET", path: "/v1/cart") == nil, "0% never fires")
        #expect(try Faults(parsing: "").isEmpty)
        #expect(try Faults(parsing: " ; ").isEmpty)
    }

    @Test func aShareFiresAboutThatOften() throws {
        let faults = try Faults(parsing: "route * / error=500 30%")
        let fired = (0..<2000).filter { _ in faults.effect(on: .route, method: "GET", path: "/x") != nil }.count
        #expect((400...800).contains(fired), "\(fired) of 2000")
    }

    @Test(arguments: [
        "route POST /v1/reservations", "request POST /x drop", "route POST x drop", "route POST /x delay=-1",
        "route POST /x error=200", "route POST /x error=abc", "route POST /x slow", "route POST /x drop 150%",
        "route POST /x drop half", "route POST /x drop 5% extra",
    ])
    func badRulesAreRefused(rule: String) {
        #expect(throws: Faults.ParseError.self) { try Faults(parsing: rule) }
    }

    @Test func productionModeRefusesFaults() throws {
        var production = ProductionMode(isOn: true)
        production.refuseFaults(try Faults(parsing: "route * / drop"))
        #expect(throws: ProductionMode.Refusal.self) { try production.check(service: "x") }
        var development = ProductionMode(isOn: false)
        development.refuseFaults(try Faults(parsing: "route * / drop"))
        try development.check(service: "x")
    }

    @Test func configurationReadsTheRules() throws {
        let configuration = ServiceConfiguration(
            reader: .shop(arguments: ["t"], environment: ["FAULTS": "call GET /v1/products error=503"]),
            service: .frontend)
        #expect(try configuration.faults().rules.count == 1)
        let broken = ServiceConfiguration(
            reader: .shop(arguments: ["t"], environment: ["FAULTS": "call GET"]), service: .frontend)
        #expect(throws: Faults.ParseError.self) { try broken.faults() }
    }

    /// An injected (or replayed) bare status code still gives its problem a
    /// title: the standard reason, or "Error <code>".
    @Test func aBareStatusCodeGetsATitle() {
        #expect(HTTPResponse.Status(standardCode: 409).reasonPhrase == "Conflict")
        #expect(HTTPResponse.Status(standardCode: 503) == .serviceUnavailable)
        #expect(HTTPResponse.Status(standardCode: 418).reasonPhrase == "Error 418")
        #expect(HTTPResponse.Status(standardCode: 599).code == 599)
    }
}
