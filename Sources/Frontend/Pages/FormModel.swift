/// A form re-shown after a failed submit: values and per-field messages.
struct FormModel {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var general: String?
    var next: String?
}
