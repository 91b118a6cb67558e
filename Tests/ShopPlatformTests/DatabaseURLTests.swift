import ShopPlatform
import Testing

@Suite("DATABASE_URL parsing")
struct DatabaseURLTests {
    @Test func sqliteForms() throws {
        #expect(try DatabaseURL("sqlite:///var/data/users.db") == .sqlite(path: "/var/data/users.db"))
        #expect(try DatabaseURL("sqlite://.shop/users.db") == .sqlite(path: ".shop/users.db"))
        #expect(try DatabaseURL("sqlite::memory:") == .sqliteMemory)
    }

    @Test func postgresForms() throws {
        guard
            case .postgres(let location) = try DatabaseURL(
                "postgres://shop:p%40ss@db.internal:6543/users?sslmode=require")
        else { Issue.record("not postgres"); return }
        #expect(location.host == "db.internal")
        #expect(location.port == 6543)
        #expect(location.username == "shop")
        #expect(location.password == "p@ss")
        #expect(location.database == "users")
        #expect(location.requireTLS)

        guard case .postgres(let socket) = try DatabaseURL("postgresql://postgres@/orders?host=/run/pg") else {
            Issue.record("not postgres")
            return
        }
        #expect(socket.socketDirectory == "/run/pg")
        #expect(socket.port == 5432)
        #expect(!socket.requireTLS)
    }

    @Test(arguments: ["mysql://x@y/z", "postgres://host/db", "postgres://user@host", "sqlite://", "", "nonsense"])
    func rejectsWhatItCannotUse(url: String) {
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(url) }
    }
}
