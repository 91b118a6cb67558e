import Foundation

extension JSONEncoder {
    /// ISO 8601 dates and sorted keys (stable bytes for ETags and tests). DTOs name
    /// their snake_case keys explicitly, so JSON and form bodies share one spelling.
    public static var shop: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    public static var shop: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
