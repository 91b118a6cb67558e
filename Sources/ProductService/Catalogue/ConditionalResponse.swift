import Hummingbird
import NIOCore

/// A cacheable response: 304 when the client's `If-None-Match` already names
/// the ETag, else the bytes with `ETag` and `Cache-Control`.
enum ConditionalResponse {
    static func make(
        body: ByteBuffer, etag: String, contentType: String, cacheControl: String, request: Request
    ) -> Response {
        var headers: HTTPFields = [.eTag: etag, .cacheControl: cacheControl]
        if matches(request.headers[.ifNoneMatch], etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// RFC 9110 weak comparison over a comma-separated list, or `*`.
    static func matches(_ header: String?, etag: String) -> Bool {
        guard let header else { return false }
        let strip: (Substring) -> Substring = { tag in
            let trimmed = tag.drop(while: { $0 == " " })
            return trimmed.hasPrefix("W/") ? trimmed.dropFirst(2) : trimmed
        }
        return header.split(separator: ",").contains { candidate in
            let tag = strip(candidate).trimmingSuffix(" ")
            return tag == "*" || tag == strip(Substring(etag))
        }
    }
}

extension ConditionalResponse {
    /// RFC 9110 strong comparison for `If-Match`: a weak tag never matches.
    static func matchesStrongly(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.drop(while: { $0 == " " }).trimmingSuffix(" ")
            return tag == "*" || (!tag.hasPrefix("W/") && tag == Substring(etag))
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}
