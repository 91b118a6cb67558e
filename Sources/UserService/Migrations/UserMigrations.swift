import ShopPlatform

/// user-service's schema, oldest first. Never edit a released migration: add one.
enum UserMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "create users",
            postgres: [
                """
                CREATE TABLE users (
                    id BIGSERIAL PRIMARY KEY,
                    username TEXT NOT NULL,
                    username_key TEXT NOT NULL UNIQUE,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL UNIQUE,
                    first_name TEXT NOT NULL DEFAULT '',
                    last_name TEXT NOT NULL DEFAULT '',
                    password_hash TEXT NOT NULL,
                    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
                    is_active BOOLEAN NOT NULL DEFAULT TRUE,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL
                )
                """
            ],
            sqlite: [
                """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    username TEXT NOT NULL,
                    username_key TEXT NOT NULL UNIQUE,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL UNIQUE,
                    first_name TEXT NOT NULL DEFAULT '',
                    last_name TEXT NOT NULL DEFAULT '',
                    password_hash TEXT NOT NULL,
                    is_admin BOOLEAN NOT NULL DEFAULT 0,
                    is_active BOOLEAN NOT NULL DEFAULT 1,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                )
                """
            ]),
        Migration(
            version: 2, name: "create refresh sessions",
            postgres: [
                """
                CREATE TABLE refresh_sessions (
                    id TEXT PRIMARY KEY,
                    family_id TEXT NOT NULL,
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    token_hash TEXT NOT NULL UNIQUE,
                    expires_at TIMESTAMPTZ NOT NULL,
                    used_at TIMESTAMPTZ,
                    revoked_at TIMESTAMPTZ,
                    created_at TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE INDEX refresh_sessions_family ON refresh_sessions (family_id)",
            ],
            sqlite: [
                """
                CREATE TABLE refresh_sessions (
                    id TEXT PRIMARY KEY,
                    family_id TEXT NOT NULL,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    token_hash TEXT NOT NULL UNIQUE,
                    expires_at REAL NOT NULL,
                    used_at REAL,
                    revoked_at REAL,
                    created_at REAL NOT NULL
                )
                """,
                "CREATE INDEX refresh_sessions_family ON refresh_sessions (family_id)",
            ]),
        Migration(
            version: 3, name: "create login throttle",
            postgres: [
                """
                CREATE TABLE login_throttle (
                    username_key TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    locked_until TIMESTAMPTZ
                )
                """
            ],
            sqlite: [
                """
                CREATE TABLE login_throttle (
                    username_key TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    locked_until REAL
                )
                """
            ]),
        Migration(
            version: 4, name: "login throttle counts attempts per window",
            postgres: [
                "ALTER TABLE login_throttle ADD COLUMN window_started TIMESTAMPTZ",
                "CREATE INDEX login_throttle_window ON login_throttle (window_started)",
            ],
            sqlite: [
                "ALTER TABLE login_throttle ADD COLUMN window_started REAL",
                "CREATE INDEX login_throttle_window ON login_throttle (window_started)",
            ]),
        Migration(
            version: 5, name: "mark passwords known to fit bcrypt",
            postgres: ["ALTER TABLE users ADD COLUMN password_fits_bcrypt BOOLEAN NOT NULL DEFAULT FALSE"],
            sqlite: ["ALTER TABLE users ADD COLUMN password_fits_bcrypt BOOLEAN NOT NULL DEFAULT 0"]),
        // Other services poll for families revoked since a moment; password
        // changes and admin actions revoke every family of one user.
        Migration(
            version: 6, name: "index refresh sessions by revocation and user",
            postgres: [
                "CREATE INDEX refresh_sessions_revoked ON refresh_sessions (revoked_at) WHERE revoked_at IS NOT NULL",
                "CREATE INDEX refresh_sessions_user ON refresh_sessions (user_id)",
            ],
            sqlite: [
                "CREATE INDEX refresh_sessions_revoked ON refresh_sessions (revoked_at) WHERE revoked_at IS NOT NULL",
                "CREATE INDEX refresh_sessions_user ON refresh_sessions (user_id)",
            ]),
        Migration(
            version: 7, name: "a refresh token's one repeat within the grace",
            postgres: ["ALTER TABLE refresh_sessions ADD COLUMN reused_at TIMESTAMPTZ"],
            sqlite: ["ALTER TABLE refresh_sessions ADD COLUMN reused_at REAL"]),
        // Every access token is checked for a revoked token in its family. By
        // family alone, that read every token a session ever had (2,880 for one
        // refreshed every 15 minutes for 30 days); by family and revocation, it
        // is one index probe. The new index also serves every read by family.
        Migration(
            version: 8, name: "index refresh sessions by family and revocation",
            postgres: [
                "CREATE INDEX refresh_sessions_family_revoked ON refresh_sessions (family_id, revoked_at)",
                "DROP INDEX refresh_sessions_family",
            ],
            sqlite: [
                "CREATE INDEX refresh_sessions_family_revoked ON refresh_sessions (family_id, revoked_at)",
                "DROP INDEX refresh_sessions_family",
            ]),
    ]
}
