//! The MySQL / MariaDB plugin against the real server (`PLUGORM_MYSQL_URL`, default
//! `mysql://root@127.0.0.1:3306/test`), each test in a database of its own, with the
//! plugin loaded from its `.so` (or linked in under `--features static`):
//!
//! * `golden` — docs/golden-sql.md's mysql column for what the host API can express, rendered
//!   through the loaded dialect, and the same SQL run for real where the server accepts it;
//! * `roundtrip` — exec / raw / typed reads, creates with keys from `LAST_INSERT_ID()`,
//!   upserts, every value type, one statement per text, and TLS modes.
//!
//! Transactions, row locks, cancellation, streaming, constraint errors, pool options and
//! migrations run on every backend (`transactions.rs`, `faults.rs`, `streaming.rs`,
//! `constraint_errors.rs`, `pool_settings.rs`, `migrate.rs`).
//!
//! Outside CI an unreachable server skips each test with a printed reason; under
//! `CI=true` it fails them.

#[path = "mysql/golden.rs"]
mod golden;
#[path = "mysql/models.rs"]
mod models;
#[path = "mysql/roundtrip.rs"]
mod roundtrip;
