import Foundation
import ShopPlatform

/// A refused checkout's problem, as kept with its idempotency key.
struct StoredProblem: Codable {
    let status: Int
    let detail: String
    let kind: String
    let errors: [ProblemError.FieldError]
    /// Absent from problems kept before refusals carried their lines.
    let lines: [ProblemError.ProductLine]?

    init(_ problem: ProblemError) {
        self.status = Int(problem.status.code)
        self.detail = problem.detail
        self.kind = problem.kind
        self.errors = problem.fieldErrors
        self.lines = problem.lines
    }

    /// `problem` as the answer kept against `key`.
    static func answer(_ problem: ProblemError, key: String) throws -> CheckoutStore.Answer {
        (
            key, Int(problem.status.code),
            String(decoding: try JSONEncoder.shop.encode(StoredProblem(problem)), as: UTF8.self)
        )
    }

    var problem: ProblemError {
        ProblemError(.init(standardCode: status), detail, kind: kind, fieldErrors: errors, lines: lines ?? [])
    }
}

extension CheckoutStore.IdempotencyRecord {
    /// The refusal kept for the key, if the checkout was refused.
    var refusal: ProblemError? {
        guard let status = responseStatus, status != 201, let body = responseBody,
            let stored = try? JSONDecoder.shop.decode(StoredProblem.self, from: Data(body.utf8))
        else { return nil }
        return stored.problem
    }
}
