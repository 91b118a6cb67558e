/// One versioned schema step, written once per dialect.
///
/// DDL differs between PostgreSQL and SQLite (identity columns, timestamp types,
/// partial indexes), so each migration states both rather than hiding them behind a
/// builder. Versions are applied in ascending order and recorded in `schema_migrations`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let postgres: [String]
    public let sqlite: [String]

    public init(version: Int, name: String, postgres: [String], sqlite: [String]) {
        self.version = version
        self.name = name
        self.postgres = postgres
        self.sqlite = sqlite
    }

    /// For statements that are the same on both databases.
    public init(version: Int, name: String, both: [String]) {
        self.init(version: version, name: name, postgres: both, sqlite: both)
    }

    func statements(for kind: ShopDatabase.Kind) -> [String] {
        kind == .postgres ? postgres : sqlite
    }
}
