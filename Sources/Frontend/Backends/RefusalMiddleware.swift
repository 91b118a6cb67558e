import Foundation
import HTTPTypes
import OpenAPIRuntime
import ShopPlatform

/// Turns a backend's 4xx into `Backend.Refusal` with its problem document, before
/// a generated client reads the answer: pages handle a refusal the same way
/// whichever backend and operation it came from. Placed outside the call rules,
/// so a refusal still counts as the backend answering.
struct RefusalMiddleware: ClientMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, answer) = try await next(request, body, baseURL)
        guard response.status.kind == .clientError else { return (response, answer) }
        var data = Data()
        if let answer { data = try await Data(collecting: answer, upTo: 1 << 20) }
        throw Backend.Refusal(
            status: Int(response.status.code),
            problem: (try? JSONDecoder.shop.decode(ProblemDoc.self, from: data))
                ?? ProblemDoc(detail: "Request refused", errors: nil))
    }
}

extension ServiceClient {
    /// The middlewares of the storefront's generated clients: refusals outermost,
    /// so the call rules see a 4xx as the answer it is.
    var storefrontMiddlewares: [any ClientMiddleware] { [RefusalMiddleware(), middleware()] }
}
