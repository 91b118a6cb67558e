import Foundation
import OpenAPIRuntime

/// Dates in the generated clients, read and written with Foundation's
/// `ISO8601FormatStyle` as the services' own `JSONEncoder.shop` writes them.
///
/// The runtime's default transcoder parses with `ISO8601DateFormatter`, which on
/// Linux clones and runs an ICU date format per date: a quarter of
/// order-service's CPU on a cart read (profiled), for two dates per product.
public struct ShopDateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Whole seconds as the services write them, or with fractional seconds;
    /// the whole string must be the date (a bare `parse` stops at its end).
    public func decode(_ string: String) throws -> Date {
        for style in [Date.ISO8601FormatStyle(), Date.ISO8601FormatStyle(includingFractionalSeconds: true)] {
            if let (end, date) = try? style.consuming(
                string, startingAt: string.startIndex, in: string.startIndex..<string.endIndex),
                end == string.endIndex
            {
                return date
            }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Expected an ISO 8601 date"))
    }
}

extension ServiceClient {
    /// How a generated client of this dependency encodes and decodes (dates above).
    public var clientConfiguration: OpenAPIRuntime.Configuration {
        Configuration(dateTranscoder: ShopDateTranscoder())
    }
}
