import Foundation
import Hummingbird

/// Decodes JSON or `application/x-www-form-urlencoded` bodies by Content-Type.
///
/// The training shop's frontend posts forms while `/v1` clients post JSON; routes
/// call `request.decode(as:context:)` and never care which arrived. A body with no
/// Content-Type is read as JSON when it looks like JSON, else as a form. Either
/// is held to `InputText`'s rule before it is decoded.
public struct ShopRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: some RequestContext
    ) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Data(buffer: buffer)
        let mediaType = request.headers[.contentType].flatMap(MediaType.init(from:))
        let isForm: Bool
        switch mediaType {
        case .some(let media) where media.isType(.applicationUrlEncoded):
            isForm = true
        case .some(let media) where media.isType(.applicationJson) || media.subType.hasSuffix("+json"):
            isForm = false
        case .some(let media) where media.isType(.multipartForm):
            throw ProblemError(.unsupportedMediaType, "multipart bodies are not accepted here")
        default:
            isForm =
                bytes.first(where: { !$0.isASCIIWhitespace }).map { $0 != UInt8(ascii: "{") && $0 != UInt8(ascii: "[") }
                ?? false
        }
        if isForm {
            guard let string = String(data: bytes, encoding: .utf8) else {
                throw ProblemError.badRequest("Form body is not valid UTF-8")
            }
            try InputText.checkForm(string)
            do {
                return try URLEncodedFormDecoder().decode(T.self, from: string)
            } catch let error as DecodingError {
                throw error
            } catch {
                throw ProblemError.badRequest("Form body is malformed")
            }
        }
        guard !bytes.isEmpty else { throw ProblemError.badRequest("Request body is empty") }
        try InputText.checkJSON(bytes)
        return try JSONDecoder.shop.decode(T.self, from: bytes)
    }
}

extension UInt8 {
    fileprivate var isASCIIWhitespace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D
    }
}
