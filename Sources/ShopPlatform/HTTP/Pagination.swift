import Hummingbird

/// `?limit=&cursor=` parsing shared by every paginated list.
public enum Pagination {
    public static let defaultLimit = 20
    public static let maxLimit = 100

    public static func limit(from request: Request) throws -> Int {
        guard let raw = request.uri.queryParameters["limit"] else { return defaultLimit }
        guard let limit = Int(String(raw)), (1...maxLimit).contains(limit) else {
            throw ProblemError.validation([.init(field: "limit", message: "must be a number from 1 to \(maxLimit)")])
        }
        return limit
    }

    /// The cursor of id-ordered lists: the last id of the previous page.
    public static func cursor(from request: Request) throws -> Int64? {
        guard let raw = request.uri.queryParameters["cursor"], !raw.isEmpty else { return nil }
        guard let cursor = Int64(String(raw)), cursor >= 0 else {
            throw ProblemError.validation([.init(field: "cursor", message: "is not a valid cursor")])
        }
        return cursor
    }

    /// One page of an id-ordered list, from the `limit + 1` rows a store was
    /// asked for (`fetchLimit`): the first `limit`, and the cursor of the next
    /// page only when a row beyond them exists (a full last page has none).
    public static func page<Item>(_ fetched: [Item], limit: Int, id: (Item) -> Int64) -> (
        items: [Item], nextCursor: String?
    ) {
        let items = Array(fetched.prefix(limit))
        return (items, fetched.count > limit ? items.last.map { String(id($0)) } : nil)
    }

    /// How many rows to fetch for a page of `limit`: one more, to know whether another page follows.
    public static func fetchLimit(_ limit: Int) -> Int { limit + 1 }
}
