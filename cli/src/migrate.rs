//! `plugorm migrate up|down|status|redo|to`: the versioned migrations of a folder, run
//! through [`plugorm::migrations`], with a progress bar on a terminal; and `plan` /
//! `generate`: AutoMigrate's plan for the models the binary registers.

use std::{io::IsTerminal as _, path::Path, time::Duration};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plugorm::migrations::{Direction, MigrationRunner, Migrations, Progress, Ran, RunReport};

use crate::{args::MigrateCommand, table};

/// Why `migrate` failed: no URL, or the migration run's own error.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("no database URL: pass `--url URL` or set DATABASE_URL")]
    NoUrl,
    #[error(transparent)]
    Db(#[from] plugorm::Error),
    #[error(transparent)]
    Migration(#[from] plugorm::migrations::MigrationError),
    #[error("this binary registers no models: `plan` and `generate` run from your application's own binary (`plugorm_cli::main()`), with its models named in `plugorm::register_model!(…)`")]
    NoModels,
}

/// Runs one `migrate` command and prints what it did.
pub async fn run(
    registry: &plugorm::Registry,
    url: Option<String>,
    dir: &Path,
    command: MigrateCommand,
) -> Result<(), MigrateError> {
    let url = url
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .ok_or(MigrateError::NoUrl)?;
    if let MigrateCommand::Plan | MigrateCommand::Generate { .. } = command {
        if !plugorm::migrator::Migrator::has_registered_models() {
            return Err(MigrateError::NoModels);
        }
        let db = registry.open(&url).await?;
        let m = db.migrator();
        if let MigrateCommand::Generate { name } = command {
            match m.generate_registered_migration(dir, &name).await? {
                Some(path) => println!("wrote {}", path.display()),
                None => println!("nothing to do: the database matches the models"),
            }
            return Ok(());
        }
        let reports = m.registered_models_plan().await?;
        let mut any = false;
        for sql in reports.iter().flat_map(|r| &r.statements) {
            println!("{sql};");
            any = true;
        }
        if !any {
            println!("-- nothing to do: the database matches the models");
        }
        return Ok(());
    }
    let set = Migrations::from_dir(dir)?;
    let db = registry.open(&url).await?;
    if let MigrateCommand::Status = command {
        print!("{}", status(&db.migrations(set)).await?);
        return Ok(());
    }
    if let MigrateCommand::Unlock = command {
        match db.migrations(set).unlock().await? {
            Some(stale) => println!(
                "removed the migrations lock of run {} (taken at {} UTC)",
                stale.owner, stale.locked_at
            ),
            None => println!("no migrations lock to remove"),
        }
        return Ok(());
    }
    let bar = progress_bar();
    let feed = bar.clone();
    let runner = db.migrations(set).on_progress(move |p| show(&feed, p));
    let report = match command {
        MigrateCommand::Status | MigrateCommand::Unlock => return Ok(()),
        MigrateCommand::Up { allow_missing } => runner.allow_missing(allow_missing).up().await,
        MigrateCommand::Down { count } => runner.down(count).await,
        MigrateCommand::Redo => runner.redo().await,
        MigrateCommand::To { version } => runner.to(version).await,
        MigrateCommand::Plan | MigrateCommand::Generate { .. } => return Ok(()),
    };
    bar.finish_and_clear();
    print!("{}", summary(&report?));
    Ok(())
}

/// A bar on stderr when it is a terminal, hidden otherwise (logs, CI, pipes).
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn show(bar: &ProgressBar, p: &Progress) {
    bar.set_length(p.total as u64);
    if p.done {
        bar.set_position(p.index as u64 + 1);
    } else {
        let verb = match p.direction {
            Direction::Up => "applying",
            Direction::Down => "rolling back",
        };
        bar.set_message(format!("{verb} {} {}", p.version, p.name));
    }
}

fn summary(report: &RunReport) -> String {
    let line = |verb: &str, m: &Ran| {
        format!(
            "{verb} {} {} ({} ms)\n",
            m.version,
            m.name,
            m.duration.as_millis()
        )
    };
    let mut out: String = report
        .rolled_back
        .iter()
        .map(|m| line("rolled back", m))
        .collect();
    out.extend(report.applied.iter().map(|m| line("applied", m)));
    if report.is_empty() {
        out.push_str("nothing to do\n");
    }
    out
}

async fn status(runner: &MigrationRunner) -> Result<String, MigrateError> {
    let rows: Vec<Vec<String>> = runner
        .status()
        .await?
        .into_iter()
        .map(|s| {
            vec![
                s.version.to_string(),
                s.name,
                s.state.to_string(),
                s.applied_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Ok(table::render(
        &["version", "name", "state", "applied_at"],
        &rows,
    ))
}
