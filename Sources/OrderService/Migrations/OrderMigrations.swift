import ShopPlatform

/// order-service's schema, oldest first. Never edit a released migration: add one.
///
/// A cart is the user's single order in status `cart`: the partial unique index
/// makes "at most one cart per user" a database fact, not a hope. `needs_release`
/// marks an abandoned or cancelled order whose stock reservation may still be
/// held. `checkout_id` names the order's current checkout attempt, the key of its
/// reservation at product-service; `reservation_sweep` remembers how far the
/// reconciler has checked product-service's live reservations. `expected_*` is
/// the total a customer confirmed for the current attempt, if they named one.
enum OrderMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "create orders",
            postgres: [
                """
                CREATE TABLE orders (
                    id BIGSERIAL PRIMARY KEY,
                    number TEXT NOT NULL UNIQUE,
                    user_id BIGINT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('cart', 'pending', 'placed', 'cancelled')),
                    currency TEXT,
                    total_minor BIGINT,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    pending_since TIMESTAMPTZ,
                    placed_at TIMESTAMPTZ,
                    cancelled_at TIMESTAMPTZ,
                    needs_release BOOLEAN NOT NULL DEFAULT FALSE
                )
                """,
                "CREATE UNIQUE INDEX orders_one_cart_per_user ON orders (user_id) WHERE status = 'cart'",
                "CREATE INDEX orders_user_history ON orders (user_id, id)",
                "CREATE INDEX orders_pending ON orders (pending_since) WHERE status = 'pending'",
                "CREATE INDEX orders_needing_release ON orders (id) WHERE needs_release",
                """
                CREATE TABLE order_lines (
                    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    product_id BIGINT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    name TEXT,
                    unit_price_minor BIGINT,
                    added_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (order_id, product_id)
                )
                """,
                """
                CREATE TABLE idempotency_keys (
                    user_id BIGINT NOT NULL,
                    key TEXT NOT NULL,
                    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    response_status INTEGER,
                    response_body TEXT,
                    created_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (user_id, key)
                )
                """,
            ],
            sqlite: [
                """
                CREATE TABLE orders (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    number TEXT NOT NULL UNIQUE,
                    user_id INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('cart', 'pending', 'placed', 'cancelled')),
                    currency TEXT,
                    total_minor INTEGER,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    pending_since REAL,
                    placed_at REAL,
                    cancelled_at REAL,
                    needs_release BOOLEAN NOT NULL DEFAULT 0
                )
                """,
                "CREATE UNIQUE INDEX orders_one_cart_per_user ON orders (user_id) WHERE status = 'cart'",
                "CREATE INDEX orders_user_history ON orders (user_id, id)",
                "CREATE INDEX orders_pending ON orders (pending_since) WHERE status = 'pending'",
                "CREATE INDEX orders_needing_release ON orders (id) WHERE needs_release",
                """
                CREATE TABLE order_lines (
                    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    product_id INTEGER NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    name TEXT,
                    unit_price_minor INTEGER,
                    added_at REAL NOT NULL,
                    PRIMARY KEY (order_id, product_id)
                )
                """,
                """
                CREATE TABLE idempotency_keys (
                    user_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    response_status INTEGER,
                    response_body TEXT,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (user_id, key)
                )
                """,
            ]),
        Migration(
            version: 2, name: "checkout attempts",
            both: [
                "ALTER TABLE orders ADD COLUMN checkout_id TEXT",
                // Reservations made before this were keyed by order id; product-service's
                // migration names them `order-<id>`.
                "UPDATE orders SET checkout_id = 'order-' || id WHERE status <> 'cart'",
                "CREATE INDEX orders_by_checkout ON orders (checkout_id)",
                "CREATE TABLE reservation_sweep (name TEXT PRIMARY KEY, last_id BIGINT NOT NULL)",
            ]),
        Migration(
            version: 3, name: "expected totals",
            both: [
                // The total the customer was shown when confirming the current
                // attempt (NULL: none named); no total but this one is placed.
                "ALTER TABLE orders ADD COLUMN expected_total_minor BIGINT",
                "ALTER TABLE orders ADD COLUMN expected_currency TEXT",
            ]),
        Migration(
            version: 4, name: "index open orders by user",
            both: [
                // Every cart change and checkout reads the user's cart and pending
                // checkouts (`OrderRows.openOrders`, the same condition): through
                // `orders_user_history` that read every order the user ever had.
                "CREATE INDEX orders_open_by_user ON orders (user_id) WHERE status IN ('cart', 'pending')"
            ]),
    ]
}
