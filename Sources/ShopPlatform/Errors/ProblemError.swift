import Foundation
import Hummingbird

/// The one error type services throw. Rendered by `ErrorMiddleware` as RFC 9457
/// problem details on `/v1` and as `{"message": ...}` on the legacy `/api` contract.
public struct ProblemError: Error, Sendable, Equatable {
    public struct FieldError: Codable, Sendable, Equatable {
        public let field: String
        public let message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// A product line a refusal is about: the product, its name when known, and
    /// for a shortage what was asked for and what is left. A consumer reads these
    /// rather than parsing `errors`.
    public struct ProductLine: Codable, Sendable, Equatable {
        public let productID: Int64
        public let name: String?
        public let requested: Int?
        public let available: Int?

        public init(productID: Int64, name: String?, requested: Int? = nil, available: Int? = nil) {
            self.productID = productID
            self.name = name
            self.requested = requested
            self.available = available
        }

        enum CodingKeys: String, CodingKey {
            case name, requested, available
            case productID = "product_id"
        }
    }

    public var status: HTTPResponse.Status
    /// Human-readable explanation of this occurrence; safe to show to the caller.
    public var detail: String
    /// A short stable slug naming the problem kind (`validation`, `conflict`, ...).
    public var kind: String
    public var fieldErrors: [FieldError]
    /// The product lines a refusal is about (`lines` in the document).
    public var lines: [ProductLine]
    /// Extra response headers, e.g. `Retry-After` on 429/503.
    public var headers: [String: String]

    public init(
        _ status: HTTPResponse.Status, _ detail: String, kind: String? = nil,
        fieldErrors: [FieldError] = [], lines: [ProductLine] = [], headers: [String: String] = [:],
        retryAfter seconds: Int? = nil
    ) {
        self.status = status
        self.detail = detail
        self.kind = kind ?? Self.defaultKind(for: status)
        self.fieldErrors = fieldErrors
        self.lines = lines
        self.headers = headers
        if let seconds { self.headers[Self.retryAfter] = String(seconds) }
    }

    /// The header a 429 or 503 (or a 409 that will pass) uses to say when to try again.
    public static let retryAfter = "Retry-After"

    public static func badRequest(_ detail: String) -> Self { .init(.badRequest, detail) }
    public static func unauthorized(_ detail: String = "Authentication required") -> Self {
        .init(.unauthorized, detail)
    }
    public static func forbidden(_ detail: String = "You are not allowed to do this") -> Self {
        .init(.forbidden, detail)
    }
    public static func notFound(_ detail: String) -> Self { .init(.notFound, detail) }
    public static func conflict(_ detail: String) -> Self { .init(.conflict, detail) }
    public static func validation(_ errors: [FieldError]) -> Self {
        .init(
            .unprocessableContent, errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "),
            kind: "validation", fieldErrors: errors)
    }

    static func defaultKind(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad-request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 409: "conflict"
        case 412: "precondition-failed"
        case 413: "body-too-large"
        case 415: "unsupported-media-type"
        case 422: "validation"
        case 428: "precondition-required"
        case 429: "too-many-requests"
        case 503: "unavailable"
        default: status.code >= 500 ? "internal" : "error"
        }
    }
}

/// Collects field errors while validating an input, then throws them all at once.
public struct Validator: Sendable {
    public private(set) var errors: [ProblemError.FieldError] = []

    public init() {}

    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { errors.append(.init(field: field, message: message)) }
    }

    /// Returns the value when present, else records "is required".
    @discardableResult
    public mutating func require<T>(_ value: T?, _ field: String) -> T? {
        if value == nil { errors.append(.init(field: field, message: "is required")) }
        return value
    }

    public func throwIfInvalid() throws {
        if !errors.isEmpty { throw ProblemError.validation(errors) }
    }
}

extension ProblemError: HTTPResponseError {
    /// Used when a framework component (e.g. an authorization policy) throws this
    /// error past `ErrorMiddleware`; normally that middleware renders it.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(legacy: request.uri.path.hasPrefix("/api/"), instance: request.uri.path)
    }
}

extension HTTPResponse.Status {
    /// The standard status for a bare code, reason phrase included (a status
    /// made with `init(code:)` has none, and its problem would have no title);
    /// "Error 418" for a code not listed.
    public init(standardCode code: Int) {
        self = Self.standard.first { $0.code == code } ?? .init(code: code, reasonPhrase: "Error \(code)")
    }

    private static let standard: [HTTPResponse.Status] = [
        .ok, .created, .noContent, .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed,
        .notAcceptable, .requestTimeout, .conflict, .gone, .preconditionFailed, .contentTooLarge,
        .unsupportedMediaType, .unprocessableContent, .preconditionRequired, .tooManyRequests,
        .internalServerError, .badGateway, .serviceUnavailable, .gatewayTimeout,
    ]
}
