import Foundation

/// An amount in integer minor units of an ISO 4217 currency. Never floating point.
public struct Money: Codable, Sendable, Hashable {
    public var minorUnits: Int64
    public var currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Digits after the decimal point for the currencies the shop knows.
    public static func minorDigits(of currency: String) -> Int {
        ["JPY", "KRW", "VND", "CLP", "ISK"].contains(currency) ? 0 : 2
    }

    /// Exact decimal value in major units (`12.50` for 1250 USD minor units).
    public var majorUnits: Decimal {
        Decimal(minorUnits) / pow(Decimal(10), Self.minorDigits(of: currency))
    }

    /// Parses a major-unit string such as `"12.5"` exactly; nil when it is not a
    /// plain non-negative decimal with at most the currency's minor digits.
    public static func parse(major string: String, currency: String) -> Money? {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        let digits = minorDigits(of: currency)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= digits, parts.count == 1 || !fraction.isEmpty else { return nil }
        let padded = fraction + String(repeating: "0", count: digits - fraction.count)
        guard let minor = Int64(String(parts[0]) + padded) else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }

    /// `$12.50`-style text for people; the code when there is no common symbol.
    public var formatted: String {
        let digits = Self.minorDigits(of: currency)
        let magnitude = minorUnits.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        var text = String(magnitude / divisor)
        if digits > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        let symbol = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"][currency]
        let sign = minorUnits < 0 ? "-" : ""
        return symbol.map { "\(sign)\($0)\(text)" } ?? "\(sign)\(text) \(currency)"
    }

    /// Three upper-case ASCII letters.
    public static func isCurrencyCode(_ code: String) -> Bool {
        code.count == 3 && code.allSatisfy { $0.isASCII && $0.isUppercase }
    }
}
