import SQLKit
import ShopPlatform

extension ShopDatabase {
    /// The plan the database would choose for `query`, one line per step, for
    /// tests that a query reads by the index meant for it. PostgreSQL is asked
    /// with sequential scans off on this connection: a test's tiny table is
    /// scanned whatever its indexes, and the question is which index it would use.
    public func plan(of query: SQLQueryString) async throws -> [String] {
        let kind = self.kind
        return try await withConnection { db in
            switch kind {
            case .sqlite:
                return try await db.raw("EXPLAIN QUERY PLAN \(query)").all().map {
                    try $0.decode(column: "detail", as: String.self)
                }
            case .postgres:
                try await db.raw("SET enable_seqscan = off").run()
                return try await db.raw("EXPLAIN \(query)").all().map {
                    try $0.decode(column: "QUERY PLAN", as: String.self)
                }
            }
        }
    }
}
