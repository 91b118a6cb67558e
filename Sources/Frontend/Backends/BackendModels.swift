import Foundation

/// A backend's problem document, for messages shown next to fields.
struct ProblemDoc: Codable, Sendable {
    struct FieldError: Codable, Sendable {
        let field: String
        let message: String
    }

    let detail: String?
    let errors: [FieldError]?
}
