//! # plugorm-cli
//!
//! The `plugorm` command: inspect plugins, run SQL, run versioned migrations, run the demo. It lives apart from the
//! `plugorm` library so an application depending on the ORM pulls in no command-line
//! crates.
//!
//! The `plugorm` binary loads plugins from `plugins.toml`; its features `sqlite`,
//! `postgres`, `mysql`, `soft-delete` (or `static` for all four) link plugins into it.
//! An application can also ship its own single binary running these commands with exactly
//! the plugins it names:
//!
//! ```no_run
//! // Naming a plugin crate links it; it registers itself and is enabled unless
//! // plugins.toml says `enabled = false` for it.
//! use plugorm_soft_delete as _;
//! use plugorm_sqlite as _;
//!
//! fn main() -> std::process::ExitCode {
//!     plugorm_cli::main()
//! }
//! ```

mod args;
mod demo;
mod echo;
mod logging;
mod migrate;
mod plugins;
mod schema;
mod table;

use std::process::ExitCode;

use clap::Parser as _;

use args::{Cli, Command, PluginsCommand};

/// Any command's error: the ORM's, or a migration run's.
type CliError = Box<dyn std::error::Error>;

/// Parses the process arguments, runs the command, prints its error to stderr; exit code
/// 1 on failure.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     plugorm_cli::main()
/// }
/// ```
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(matches!(cli.command, Command::Demo { .. }));
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

async fn run(cli: Cli) -> Result<(), CliError> {
    let config = plugins::config(cli.config)?;
    let registry = plugorm::Registry::load(&config)?;
    match cli.command {
        Command::Plugins {
            command: PluginsCommand::List,
        } => print!("{}", plugins::list(&config, &registry)),
        Command::Plugins {
            command: PluginsCommand::Check,
        } => println!("ok: {} plugin(s) loaded", registry.plugins().len()),
        Command::Sql { url, statement } => sql(&registry, &url, &statement).await?,
        Command::Schema { url, format } => {
            let db = registry.open(&url).await?;
            print!("{}", schema::render(&schema::read(&db).await?, format));
        }
        Command::Demo { database } => demo::run(&registry, database).await?,
        Command::Migrate { url, dir, command } => {
            migrate::run(&registry, url, &dir, command).await?
        }
    }
    Ok(())
}

/// `plugorm sql`: a statement that returns rows prints them as a table, any other prints
/// the count of rows it changed.
async fn sql(
    registry: &plugorm::Registry,
    url: &str,
    statement: &str,
) -> Result<(), plugorm::Error> {
    let db = registry.open(url).await?;
    let trimmed = statement.trim_start().to_ascii_uppercase();
    let returns_rows = ["SELECT", "WITH", "PRAGMA", "VALUES", "EXPLAIN", "SHOW"]
        .iter()
        .any(|k| trimmed.starts_with(k))
        || trimmed.contains(" RETURNING ");
    if returns_rows {
        let rows = db.raw(statement, ()).await?;
        print!("{}", table::rows(&rows));
        println!(
            "({} row{})",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        );
    } else {
        let r = db.exec(statement, ()).await?;
        println!("{} row(s) affected", r.rows_affected);
    }
    Ok(())
}
