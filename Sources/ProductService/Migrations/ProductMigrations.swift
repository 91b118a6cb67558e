import ShopPlatform

/// product-service's schema, oldest first. Never edit a released migration: add one.
///
/// `stock >= 0` is a database constraint: whatever the code does, stock cannot go
/// negative. Reservations keep the unit price at reservation time per line, and
/// are keyed by the checkout attempt that made them (`checkout_id`), not the order:
/// each attempt of an order is its own reservation, and a release that came first
/// leaves a row (a tombstone) that the attempt's late reserve respects.
enum ProductMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "create products",
            postgres: [
                """
                CREATE TABLE products (
                    id BIGSERIAL PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
                    currency TEXT NOT NULL,
                    stock INTEGER NOT NULL CHECK (stock >= 0),
                    is_active BOOLEAN NOT NULL DEFAULT TRUE,
                    image TEXT,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL
                )
                """,
                """
                CREATE TABLE product_images (
                    product_id BIGINT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                    content_type TEXT NOT NULL,
                    etag TEXT NOT NULL,
                    bytes BYTEA NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL
                )
                """,
            ],
            sqlite: [
                """
                CREATE TABLE products (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
                    currency TEXT NOT NULL,
                    stock INTEGER NOT NULL CHECK (stock >= 0),
                    is_active BOOLEAN NOT NULL DEFAULT 1,
                    image TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                )
                """,
                """
                CREATE TABLE product_images (
                    product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
                    content_type TEXT NOT NULL,
                    etag TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    updated_at REAL NOT NULL
                )
                """,
            ]),
        Migration(
            version: 2, name: "create reservations",
            postgres: [
                """
                CREATE TABLE reservations (
                    id BIGSERIAL PRIMARY KEY,
                    order_id BIGINT NOT NULL UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('reserved', 'released')),
                    currency TEXT NOT NULL,
                    total_minor BIGINT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    released_at TIMESTAMPTZ
                )
                """,
                """
                CREATE TABLE reservation_lines (
                    reservation_id BIGINT NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
                    product_id BIGINT NOT NULL REFERENCES products(id),
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    unit_price_minor BIGINT NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (reservation_id, product_id)
                )
                """,
            ],
            sqlite: [
                """
                CREATE TABLE reservations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    order_id INTEGER NOT NULL UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('reserved', 'released')),
                    currency TEXT NOT NULL,
                    total_minor INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    released_at REAL
                )
                """,
                """
                CREATE TABLE reservation_lines (
                    reservation_id INTEGER NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
                    product_id INTEGER NOT NULL REFERENCES products(id),
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    unit_price_minor INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (reservation_id, product_id)
                )
                """,
            ]),
        Migration(
            version: 3, name: "reservations keyed by checkout",
            postgres: [
                "ALTER TABLE reservations ADD COLUMN checkout_id TEXT",
                "UPDATE reservations SET checkout_id = 'order-' || order_id",
                "ALTER TABLE reservations ALTER COLUMN checkout_id SET NOT NULL",
                "ALTER TABLE reservations DROP CONSTRAINT reservations_order_id_key",
                "ALTER TABLE reservations ALTER COLUMN order_id DROP NOT NULL",
                "ALTER TABLE reservations ALTER COLUMN currency DROP NOT NULL",
                "ALTER TABLE reservations ALTER COLUMN total_minor DROP NOT NULL",
                "CREATE UNIQUE INDEX reservations_by_checkout ON reservations (checkout_id)",
                "CREATE INDEX reservations_by_order ON reservations (order_id)",
                "CREATE INDEX reservations_live ON reservations (id) WHERE status = 'reserved'",
            ],
            sqlite: [
                // SQLite cannot drop an inline UNIQUE: both tables are rebuilt, lines
                // first out and last in, so no cascade ever fires.
                """
                CREATE TABLE reservations_v3 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    checkout_id TEXT NOT NULL UNIQUE,
                    order_id INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('reserved', 'released')),
                    currency TEXT,
                    total_minor INTEGER,
                    created_at REAL NOT NULL,
                    released_at REAL
                )
                """,
                """
                INSERT INTO reservations_v3
                    (id, checkout_id, order_id, status, currency, total_minor, created_at, released_at)
                SELECT id, 'order-' || order_id, order_id, status, currency, total_minor, created_at, released_at
                FROM reservations
                """,
                """
                CREATE TABLE reservation_lines_v3 (
                    reservation_id INTEGER NOT NULL REFERENCES reservations_v3(id) ON DELETE CASCADE,
                    product_id INTEGER NOT NULL REFERENCES products(id),
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    unit_price_minor INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (reservation_id, product_id)
                )
                """,
                "INSERT INTO reservation_lines_v3 SELECT reservation_id, product_id, quantity, unit_price_minor, name FROM reservation_lines",
                "DROP TABLE reservation_lines",
                "DROP TABLE reservations",
                "ALTER TABLE reservations_v3 RENAME TO reservations",
                "ALTER TABLE reservation_lines_v3 RENAME TO reservation_lines",
                "CREATE INDEX reservations_by_order ON reservations (order_id)",
                "CREATE INDEX reservations_live ON reservations (id) WHERE status = 'reserved'",
            ]),
    ]
}
