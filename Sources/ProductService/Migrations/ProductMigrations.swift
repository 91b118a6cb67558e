import ShopPlatform

/// product-service's schema, oldest first. Never edit a released migration: add one.
///
/// `stock >= 0` is a database constraint: whatever the code does, stock cannot go
/// negative. Reservations keep the unit price at reservation time per line.
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
    ]
}
