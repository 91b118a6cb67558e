import Foundation
import ShopPlatform
import Testing

@Suite("Money")
struct MoneyTests {
    @Test(arguments: [
        ("12.5", "USD", Int64(1250)), ("12.50", "USD", 1250), ("0", "USD", 0), ("7", "EUR", 700), ("0.99", "GBP", 99),
        ("1500", "JPY", 1500), (" 3.10 ", "USD", 310),
    ])
    func parsesMajorUnitsExactly(text: String, currency: String, minor: Int64) {
        #expect(Money.parse(major: text, currency: currency) == Money(minorUnits: minor, currency: currency))
    }

    @Test(arguments: ["", "abc", "-1", "1.999", "1.", ".5", "1e3", "1,50", "12.5.1", "0x10", "1234567890123"])
    func rejectsAnythingElse(text: String) {
        #expect(Money.parse(major: text, currency: "USD") == nil)
    }

    @Test func formatsForPeople() {
        #expect(Money(minorUnits: 1250, currency: "USD").formatted == "$12.50")
        #expect(Money(minorUnits: 5, currency: "EUR").formatted == "€0.05")
        #expect(Money(minorUnits: 1500, currency: "JPY").formatted == "¥1500")
        #expect(Money(minorUnits: 999, currency: "CHF").formatted == "9.99 CHF")
        #expect(Money(minorUnits: -250, currency: "USD").formatted == "-$2.50")
        #expect(Money(minorUnits: 1999, currency: "USD").majorUnits == Decimal(string: "19.99"))
        #expect(Money.isCurrencyCode("USD") && !Money.isCurrencyCode("usd") && !Money.isCurrencyCode("US"))
    }
}
