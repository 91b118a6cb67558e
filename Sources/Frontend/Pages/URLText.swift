import Foundation

extension String {
    /// This text as one path segment or query value in the storefront's links
    /// and redirects: everything but RFC 3986's unreserved characters escaped.
    var urlComponent: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
