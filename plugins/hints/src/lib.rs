//! # plugorm-hints
//!
//! Optimizer hints, index hints and comments (GORM's `hints` package), written into each
//! statement where its dialect reads them. The statement tree has no place for them, so
//! the plugin rewrites the rendered text (plugin API 0.2.3 SQL rewriters), finding
//! keywords with the driver kit's lexer: a keyword inside a string, a quoted name or a
//! comment, or inside parentheses, is never taken for one.
//!
//! Hints are session settings (`db.plugin_setting(key, value)`), one hint per line of the
//! value:
//!
//! | key | value | MySQL / MariaDB |
//! |---|---|---|
//! | `hints:optimizer` | `MAX_EXECUTION_TIME(100)` | `SELECT /*+ MAX_EXECUTION_TIME(100) */ …` |
//! | `hints:comment` | `select hint` | `SELECT /* hint */ * …` |
//! | `hints:comment_before` | `select hint` | `/* hint */ SELECT …` |
//! | `hints:comment_after` | `where hint` | `… WHERE id = ? /* hint */` |
//! | `hints:index` | `users force for join a,b` | `FROM `users` FORCE INDEX FOR JOIN (`a`,`b`)` |
//!
//! Per dialect: PostgreSQL gets optimizer hints as written and index hints as
//! pg_hint_plan's `IndexScan(t idx…)` / `NoIndexScan(t)` (`ignore *`) in the same
//! `/*+ … */`; SQLite `INDEXED BY "idx"` (one index) or `NOT INDEXED` (`ignore *`); SQL
//! Server `WITH (INDEX("idx"…))` and optimizer hints as `OPTION (…)` at the end. A hint a
//! dialect cannot express is the statement's error, naming the hint and the dialect.
//!
//! ```
//! let m = (plugorm_hints::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "hints");
//! ```

mod error;
mod place;
mod scan;
mod settings;

pub use error::HintError;

use std::sync::Arc;

use plugorm_plugin_api::{
    host::{Host, RewriteContext, SqlRewriter},
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    Callback, CallbackContext, CallbackSpec, DbResult, FeaturePlugin, Placement, Processor, Sql,
};

use place::Flavor;
use settings::Hints;

/// `sql` with the hints of `settings` written in for the dialect named `dialect`: what
/// the plugin's rewriter does to every statement of a session.
///
/// ```
/// use plugorm_hints::rewrite;
/// let sql = rewrite("mysql", [("hints:index", "users use user_name")], "SELECT * FROM `users`").unwrap();
/// assert_eq!(sql, "SELECT * FROM `users` USE INDEX (`user_name`)");
/// let sql = rewrite("sqlite", [("hints:index", "users use user_name")], "SELECT * FROM `users`").unwrap();
/// assert_eq!(sql, "SELECT * FROM `users` INDEXED BY \"user_name\"");
/// ```
pub fn rewrite<'a>(
    dialect: &str,
    settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    sql: &str,
) -> Result<String, HintError> {
    let hints = Hints::parse(settings)?;
    if hints.is_empty() {
        return Ok(sql.to_string());
    }
    Ok(place::rewrite(Flavor::of(dialect), dialect, &hints, sql)?
        .unwrap_or_else(|| sql.to_string()))
}

/// Writes the session's hints into each statement.
struct Rewriter;

impl SqlRewriter for Rewriter {
    fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> DbResult<()> {
        let settings = ctx
            .settings
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str()));
        let hints = Hints::parse(settings)?;
        if hints.is_empty() {
            return Ok(());
        }
        let dialect = ctx.dialect.as_str();
        if let Some(text) = place::rewrite(Flavor::of(dialect), dialect, &hints, &sql.text)? {
            sql.text = text.into();
        }
        Ok(())
    }
}

/// Claims the `hints:` settings (the host refuses settings no plugin claims) and checks
/// them once per operation, so a malformed one fails before anything runs.
struct Check;

impl Callback for Check {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        Hints::parse(
            ctx.settings
                .iter()
                .map(|s| (s.key.as_str(), s.value.as_str())),
        )?;
        Ok(())
    }
}

struct HintsPlugin;

impl FeaturePlugin for HintsPlugin {
    fn initialize_with_host(&self, host: &Host, _config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        host.add_rewriter(Arc::new(Rewriter));
        let check: Arc<Check> = Arc::new(Check);
        Ok(Processor::ALL
            .iter()
            .map(|&processor| CallbackSpec {
                processor,
                name: format!("hints:{}", processor.name()),
                placement: Placement::Before("*".into()),
                callback: check.clone(),
            })
            .collect())
    }
}

fn manifest() -> Manifest {
    Manifest::new(
        "hints",
        PluginKind::Feature,
        env!("CARGO_PKG_VERSION"),
        "optimizer hints, index hints and comments, written where each dialect reads them",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Feature(Arc::new(HintsPlugin)))
}

/// The plugin's descriptor.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);

#[cfg(test)]
mod tests;
