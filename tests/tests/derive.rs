//! `#[derive(Model)]`: the schema it produces (names, types, keys, indexes, permissions,
//! embedding, time tracking, soft-delete modes), checked once; and on every backend
//! (SQLite, PostgreSQL, MariaDB, through the loaded plugins) AutoMigrate of it, round
//! trips of every supported field type, GORM's field permissions, time tracking and
//! soft-delete modes at work, and typed column handles.
//!
//! Compile errors for bad attributes are in `derive_ui.rs`.

mod derive {
    pub mod models;
    mod naming;
    mod permissions;
    mod round_trip;
    mod schema;
    mod soft_delete;
    mod time_tracking;
    mod typed_columns;
}
