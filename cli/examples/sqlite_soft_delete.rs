//! An application's own single binary: the `plugorm` commands with exactly the SQLite and
//! soft-delete plugins linked in, no `.so` file and no `plugins.toml` needed.
//!
//! ```sh
//! cargo run -p plugorm-cli --example sqlite_soft_delete -- plugins list
//! cargo run -p plugorm-cli --example sqlite_soft_delete -- demo
//! cargo run -p plugorm-cli --example sqlite_soft_delete -- migrate --url sqlite://app.db plan
//! ```

// Naming a plugin crate is what links it: each registers itself through `inventory`, and
// the linker keeps only crates the binary names.
use plugorm_soft_delete as _;
use plugorm_sqlite as _;

/// The application's model: registered, so `migrate plan` and `migrate generate` know it.
#[derive(plugorm::Model, Debug, Default, Clone)]
pub struct Note {
    pub id: i64,
    #[orm(size = 64)]
    pub title: String,
}

plugorm::register_model!(Note);

fn main() -> std::process::ExitCode {
    plugorm_cli::main()
}
