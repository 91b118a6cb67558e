import Foundation

extension String {
    /// This text as one path segment, query value or form value: everything
    /// but RFC 3986's unreserved characters escaped. The storefront's links and
    /// redirects use it, and so does `shop load`'s forms.
    public var urlComponent: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
