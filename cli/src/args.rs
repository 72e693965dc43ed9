//! The command line: `plugorm [--config FILE] <plugins list|plugins check|sql|schema|demo|migrate>`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "plugorm",
    version,
    about = "plugorm: a GORM-style ORM for Rust, built as a plugin host"
)]
pub struct Cli {
    /// The plugin configuration (default: $PLUGORM_CONFIG, else ./plugins.toml).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Inspect plugins.
    Plugins {
        #[command(subcommand)]
        command: PluginsCommand,
    },
    /// Run one SQL statement and print its rows as a table.
    Sql {
        /// Database URL (`sqlite::memory:`, `sqlite://app.db`).
        url: String,
        /// The statement.
        statement: String,
    },
    /// Run versioned migrations: a folder of `<version>_<name>.up.sql` / `.down.sql` files.
    Migrate {
        /// Database URL (default: $DATABASE_URL).
        #[arg(long, global = true)]
        url: Option<String>,
        /// The folder of migration files.
        #[arg(long, global = true, default_value = "migrations")]
        dir: PathBuf,
        #[command(subcommand)]
        command: MigrateCommand,
    },
    /// Print the schema of a database: its tables with their columns, indexes and foreign
    /// keys, as text, JSON or a Mermaid ER diagram.
    Schema {
        /// Database URL.
        url: String,
        /// How to print it.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::schema::Format,
    },
    /// Walk through plugorm on an embedded SQLite file, printing each step and its SQL.
    Demo {
        /// Database URL (default: a fresh SQLite file in the temporary directory).
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum PluginsCommand {
    /// List the loaded plugins, and those linked into this binary but disabled.
    List,
    /// Load every configured plugin and report problems (exit code 1 on any).
    Check,
}

#[derive(Subcommand)]
pub enum MigrateCommand {
    /// Apply every pending migration.
    Up {
        /// Run although the database has applied migrations that no file defines.
        #[arg(long)]
        allow_missing: bool,
    },
    /// Roll back the latest applied migrations.
    Down {
        /// How many to roll back.
        #[arg(short = 'n', long, default_value_t = 1)]
        count: usize,
    },
    /// List every migration: applied, pending, changed or missing.
    Status,
    /// Roll back the latest applied migration and apply it again.
    Redo,
    /// Apply or roll back migrations until VERSION is the latest applied (0: roll back all).
    To {
        /// The version to end at.
        version: i64,
    },
    /// Remove the migrations lock a killed run left behind (a lock row: SQLite, and
    /// dialects without an advisory lock). Only when no run is going on.
    Unlock,
    /// Print what AutoMigrate would run now for the models this binary registers
    /// (`plugorm::register_model!`): run it from the application's own binary.
    Plan,
    /// Write AutoMigrate's plan for the registered models as the next migration file of
    /// the folder, `<version>_<NAME>.up.sql`.
    Generate {
        /// The migration's name (letters, digits, `_`).
        name: String,
    },
}
