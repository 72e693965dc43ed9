//! The command line: `plugorm [--config FILE] <plugins list|plugins check|sql|demo>`.

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
