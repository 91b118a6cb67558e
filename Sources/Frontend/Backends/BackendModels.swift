import Foundation

/// A backend's problem document, for messages shown next to fields.
struct ProblemDoc: Codable, Sendable {
    struct FieldError: Codable, Sendable {
        let field: String
        let message: String
    }

    /// `https://microshop.dev/problems/<kind>`, for refusals the page treats apart.
    var type: String? = nil
    let detail: String?
    let errors: [FieldError]?

    /// Whether the problem is of `kind` (`prices-changed`, ...).
    func isKind(_ kind: String) -> Bool { type?.hasSuffix("/" + kind) == true }
}
