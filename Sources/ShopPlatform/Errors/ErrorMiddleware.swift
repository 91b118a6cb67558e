import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every thrown error into a clean 4xx/5xx body, never a stack trace or SQL.
///
/// `/api/...` keeps the training shop's shape `{"message": ...}`; everything else
/// gets `application/problem+json`. Unknown errors are logged with the request id
/// and reported as a bare 500.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ProblemError(converting: error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            let legacy = request.uri.path.hasPrefix("/api/")
            return problem.response(legacy: legacy, instance: request.uri.path)
        }
    }
}

extension ProblemError {
    /// Maps framework and decoding errors to a problem; anything unrecognised is a 500.
    public init(converting error: any Error) {
        switch error {
        case let problem as ProblemError:
            self = problem
        case let http as HTTPError:
            self.init(http.status, http.body ?? Self.defaultDetail(for: http.status))
            for field in http.headers { headers[field.name.canonicalName] = field.value }
        case let response as any HTTPResponseError:
            self.init(response.status, Self.defaultDetail(for: response.status))
        default:
            self.init(.internalServerError, "Something went wrong on our side")
        }
    }

    static func defaultDetail(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "Not logged in"
        case 404: "Not found"
        case 413: "Request body is too large"
        default: status.reasonPhrase
        }
    }

    /// `headers` as HTTP fields (names that are not valid are dropped).
    public var httpFields: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return fields
    }

    func response(legacy: Bool, instance: String) -> Response {
        var fields = httpFields
        // RFC 9110: a 401 names the scheme that would work.
        if status == .unauthorized, fields[.wwwAuthenticate] == nil {
            fields[.wwwAuthenticate] = #"Bearer realm="microshop""#
        }
        let body: Data
        if legacy {
            fields[.contentType] = "application/json; charset=utf-8"
            // The training shop said "Not logged in" for every missing or bad credential.
            let message = status == .unauthorized ? "Not logged in" : detail
            body = (try? JSONEncoder.shop.encode(["message": message])) ?? Data()
        } else {
            fields[.contentType] = "application/problem+json"
            body =
                (try? JSONEncoder.shop.encode(
                    ProblemDocument(
                        type: "https://microshop.dev/problems/\(kind)", title: status.reasonPhrase,
                        status: Int(status.code), detail: detail, instance: instance,
                        errors: fieldErrors.isEmpty ? nil : fieldErrors, lines: lines.isEmpty ? nil : lines)))
                ?? Data()
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: body)))
    }
}

/// RFC 9457 body; `errors` lists field-level validation failures, `lines` the
/// product lines a refusal is about.
struct ProblemDocument: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let instance: String
    let errors: [ProblemError.FieldError]?
    let lines: [ProblemError.ProductLine]?
}
