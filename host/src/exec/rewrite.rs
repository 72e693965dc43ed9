//! The plugins' SQL rewriters (plugin API 0.2.3) applied to a rendered statement: hints
//! and comments at textual positions the frozen statement tree has no place for.
//!
//! They run only for a session with plugin settings (what a rewriter reads), so a
//! session without any pays nothing, not even building the context.

use std::sync::Arc;

use plugorm_plugin_api::{
    host::{RewriteContext, SqlRewriter},
    Setting, Sql,
};

use crate::Result;

/// What rewriting a handle's statements needs.
pub(crate) struct Rewrite<'a> {
    /// The database's rewriters, in registration order.
    pub rewriters: &'a [Arc<dyn SqlRewriter>],
    /// The dialect's name.
    pub dialect: &'a str,
    /// The session's plugin settings.
    pub settings: &'a [(String, String)],
}

/// A session's plugin settings as the [`Setting`]s plugins read (rewriters here, and
/// callbacks: `db::route`).
pub(crate) fn as_settings(pairs: &[(String, String)]) -> impl Iterator<Item = Setting> + '_ {
    pairs.iter().map(|(key, value)| Setting {
        key: key.as_str().into(),
        value: value.as_str().into(),
    })
}

impl Rewrite<'_> {
    /// `sql` through every rewriter in turn; the first error is the statement's.
    pub fn apply(&self, mut sql: Sql) -> Result<Sql> {
        if self.rewriters.is_empty() || self.settings.is_empty() {
            return Ok(sql);
        }
        let ctx = RewriteContext {
            dialect: self.dialect.into(),
            settings: as_settings(self.settings).collect(),
            extra: Default::default(),
        };
        for rewriter in self.rewriters {
            rewriter.rewrite(&ctx, &mut sql)?;
        }
        Ok(sql)
    }
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{DbError, DbResult};

    use super::*;

    struct Suffix;
    impl SqlRewriter for Suffix {
        fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> DbResult<()> {
            match ctx.setting("t:suffix") {
                Some("fail") => Err(DbError::Unsupported("no".into())),
                Some(s) => {
                    sql.text = format!("{} {s} {}", sql.text, ctx.dialect).into();
                    Ok(())
                }
                None => Ok(()),
            }
        }
    }

    fn rewrite(settings: &[(String, String)], rewriters: &[Arc<dyn SqlRewriter>]) -> Result<Sql> {
        Rewrite {
            rewriters,
            dialect: "sqlite",
            settings,
        }
        .apply(Sql::new("SELECT 1", []))
    }

    #[test]
    fn rewriters_see_the_settings_and_dialect_and_their_error_is_the_statements() {
        let all: Vec<Arc<dyn SqlRewriter>> = vec![Arc::new(Suffix)];
        let set = |v: &str| vec![("t:suffix".to_string(), v.to_string())];
        let sql = rewrite(&set("/* x */"), &all).unwrap();
        assert_eq!(sql.text.as_str(), "SELECT 1 /* x */ sqlite");
        assert!(rewrite(&set("fail"), &all).is_err());
        // No rewriter, or no setting: the text as rendered.
        assert_eq!(rewrite(&set("x"), &[]).unwrap().text.as_str(), "SELECT 1");
        assert_eq!(rewrite(&[], &all).unwrap().text.as_str(), "SELECT 1");
    }
}
