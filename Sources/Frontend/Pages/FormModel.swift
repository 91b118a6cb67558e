import Mustache

/// A form re-shown after a failed submit: values and per-field messages.
struct FormModel {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var general: String?
    var next: String?
}

extension FormModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "values": values
        case "errors": errors
        case "general": general
        case "next": next
        default: nil
        }
    }
}
