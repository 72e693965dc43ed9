//! The `plugorm` command: inspect plugins, run SQL, run the demo.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use plugorm::{config::PluginsConfig, Registry};
use tracing_subscriber::Layer as _;

mod demo;
mod table;

#[derive(Parser)]
#[command(
    name = "plugorm",
    version,
    about = "plugorm: a GORM-style ORM for Rust, built as a plugin host"
)]
struct Cli {
    /// The plugin configuration (default: $PLUGORM_CONFIG, else ./plugins.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
enum PluginsCommand {
    /// List the loaded plugins.
    List,
    /// Load every configured plugin and report problems (exit code 1 on any).
    Check,
}

fn registry(config: Option<PathBuf>) -> Result<Registry, plugorm::Error> {
    // A file the user named (`--config`, `PLUGORM_CONFIG`) must exist; only the implicit
    // `./plugins.toml` may be absent (then only statically linked plugins are available).
    let named = config.is_some() || std::env::var_os("PLUGORM_CONFIG").is_some();
    let path = config.unwrap_or_else(plugorm::config::default_config_path);
    let config = if named || path.exists() {
        PluginsConfig::load(&path)?
    } else {
        PluginsConfig {
            path,
            ..PluginsConfig::default()
        }
    };
    Registry::load(&config)
}

fn list(registry: &Registry) {
    let rows: Vec<Vec<String>> = registry
        .plugins()
        .iter()
        .map(|p| {
            vec![
                p.manifest.name.to_string(),
                p.manifest.version.to_string(),
                p.manifest.kind.to_string(),
                p.origin.to_string(),
                p.manifest.api_version.to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(&["name", "version", "kind", "origin", "plugin-api"], &rows)
    );
}

async fn run(cli: Cli) -> Result<(), plugorm::Error> {
    match cli.command {
        Command::Plugins {
            command: PluginsCommand::List,
        } => list(&registry(cli.config)?),
        Command::Plugins {
            command: PluginsCommand::Check,
        } => {
            let r = registry(cli.config)?;
            println!("ok: {} plugin(s) loaded", r.plugins().len());
        }
        Command::Sql { url, statement } => {
            let db = registry(cli.config)?.open(&url).await?;
            let trimmed = statement.trim_start().to_ascii_uppercase();
            let returns_rows = ["SELECT", "WITH", "PRAGMA", "VALUES", "EXPLAIN", "SHOW"]
                .iter()
                .any(|k| trimmed.starts_with(k))
                || trimmed.contains(" RETURNING ");
            if returns_rows {
                let rows = db.raw(&statement, ()).await?;
                print!("{}", table::rows(&rows));
                println!(
                    "({} row{})",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" }
                );
            } else {
                let r = db.exec(&statement, ()).await?;
                println!("{} row(s) affected", r.rows_affected);
            }
        }
        Command::Demo { database } => {
            let r = registry(cli.config)?;
            demo::run(&r, database).await?;
        }
    }
    Ok(())
}

/// Logs to stderr. A failed statement is reported once, as the command's error: the SQL
/// logger's own lines (target `plugorm::sql`) show only when RUST_LOG asks for them. The
/// demo also echoes every statement to stdout.
fn init_logging(echo_sql: bool) {
    use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};
    let stderr = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,plugorm::sql=off")),
        );
    let echo = echo_sql.then(|| {
        demo::SqlEcho.with_filter(Targets::new().with_target("plugorm::sql", tracing::Level::DEBUG))
    });
    tracing_subscriber::registry()
        .with(stderr)
        .with(echo)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(matches!(cli.command, Command::Demo { .. }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
