//! The routing callback: which side of which resolver runs a statement.
//!
//! * Creates, updates and deletes go to a source.
//! * Queries go to a replica, except locking reads (`FOR UPDATE` / `FOR SHARE`).
//! * Raw SQL is guessed from its text: a `SELECT` that does not lock reads a replica,
//!   anything else writes to a source.
//! * A transaction begins on a source (statements inside it stay on its connection).
//! * The session settings override: `dbresolver:operation` = `write` | `read` picks the
//!   side, `dbresolver:use` = a resolver's name (or one of its tables) picks the resolver.
//!
//! The resolver is the named one, else the statement's table's, else the table a raw
//! statement names, else the global one; with none the statement stays on the database's
//! own pool.

use std::sync::Arc;

use plugorm_plugin_api::{
    setting,
    statement::{FromItem, Statement},
    Callback, CallbackContext, DbError, DbResult, Processor,
};

use crate::resolver::{Resolvers, Side};

/// The session setting that picks the side (`write` or `read`).
pub const OPERATION: &str = "dbresolver:operation";
/// The session setting that picks a resolver by name or table.
pub const USE: &str = "dbresolver:use";

/// The callback registered on every processor.
pub(crate) struct Router {
    pub resolvers: Arc<Resolvers>,
    pub trace: bool,
    pub fallback: bool,
}

impl Callback for Router {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if ctx.flag(setting::IN_TRANSACTION) {
            return Ok(());
        }
        let side = side(ctx)?;
        let resolver = match ctx.setting(USE) {
            Some(name) => Some(self.resolvers.named(name)?),
            None => self.resolvers.for_table(table_of(ctx).as_deref()),
        };
        let Some(resolver) = resolver else {
            return Ok(());
        };
        let own = ctx
            .setting(setting::DATABASE_POOL)
            .and_then(|v| v.parse().ok());
        let Some(choice) = resolver.choose(side, self.fallback, own)? else {
            return Ok(());
        };
        let pools: Vec<String> = choice.pools.iter().map(u64::to_string).collect();
        ctx.set(setting::POOL, &pools.join(","));
        if self.trace {
            tracing::info!(
                resolver = %resolver.name,
                side = choice.side.name(),
                pool = %choice.label,
                "dbresolver: {} on {} {}",
                ctx.processor.name(),
                choice.side.name(),
                choice.label
            );
        }
        Ok(())
    }
}

/// The side a statement goes to (see the module documentation).
fn side(ctx: &CallbackContext<'_>) -> DbResult<Side> {
    match ctx.setting(OPERATION) {
        Some("write") => return Ok(Side::Source),
        Some("read") => return Ok(Side::Replica),
        Some(other) => {
            return Err(DbError::Other(format!(
                "dbresolver: `{OPERATION}` is `{other}`; it takes `write` or `read`"
            )))
        }
        None => {}
    }
    if ctx.flag(setting::BEGIN) {
        return Ok(Side::Source);
    }
    Ok(match (&ctx.processor, &ctx.statement) {
        (Processor::Create | Processor::Update | Processor::Delete, _) => Side::Source,
        (_, Statement::Raw(raw)) => guess(&raw.sql),
        (_, Statement::Select(s)) if s.lock.is_some() => Side::Source,
        (Processor::Query | Processor::Row, _) => Side::Replica,
        (Processor::Raw, _) => Side::Source,
    })
}

/// GORM's guess for raw SQL: a `SELECT` (after blanks) that does not end in a locking
/// clause reads; anything else writes.
pub(crate) fn guess(sql: &str) -> Side {
    let text = sql.trim().trim_end_matches(';').trim_end();
    let lower = text.to_ascii_lowercase();
    let selects = lower.len() > 10 && lower.starts_with("select");
    let locks = [
        "for update",
        "for share",
        "for no key update",
        "for key share",
        "lock in share mode",
    ]
    .iter()
    .any(|l| lower.ends_with(l))
        || lower.ends_with("nowait")
        || lower.ends_with("skip locked");
    if selects && !locks {
        Side::Replica
    } else {
        Side::Source
    }
}

/// The table a statement is about: its own, the model's, or the first a raw statement
/// names.
fn table_of(ctx: &CallbackContext<'_>) -> Option<String> {
    let from_statement = match &ctx.statement {
        Statement::Select(s) => match &s.from {
            FromItem::Table(t) => Some(t.name.to_string()),
            _ => None,
        },
        Statement::Insert(i) => Some(i.table.name.to_string()),
        Statement::Update(u) => Some(u.table.name.to_string()),
        Statement::Delete(d) => Some(d.table.name.to_string()),
        Statement::Raw(raw) => raw_table(&raw.sql),
    };
    from_statement.or_else(|| ctx.schema.as_ref().map(|s| s.table.to_string()))
}

/// The first table raw SQL names: the first name after `FROM`, `UPDATE` or `INTO` that is
/// not a sub-query, without quotes and without its schema.
pub(crate) fn raw_table(sql: &str) -> Option<String> {
    let mut tokens = tokens(sql).peekable();
    while let Some(t) = tokens.next() {
        let keyword = t.eq_ignore_ascii_case("from")
            || t.eq_ignore_ascii_case("update")
            || t.eq_ignore_ascii_case("into");
        if !keyword {
            continue;
        }
        match tokens.peek() {
            Some(&"(") | None => continue,
            Some(next) if next.eq_ignore_ascii_case("select") => continue,
            Some(next) => {
                let name = next.rsplit('.').next().unwrap_or(next);
                let name = name.trim_matches(|c| matches!(c, '"' | '`' | '\'' | '[' | ']'));
                if !name.is_empty() {
                    return Some(name.to_string());
                }
            }
        }
    }
    None
}

/// Words of SQL text, with `(` as a token of its own.
fn tokens(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ')'))
        .flat_map(|w| {
            let opens = w.len() - w.trim_start_matches('(').len();
            std::iter::repeat_n("(", opens).chain(std::iter::once(w.trim_start_matches('(')))
        })
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_table_of_raw_sql() {
        for sql in [
            "select * from users as u",
            "select name from users",
            "select * from (select * from users) as u",
            "select * from (select * from users)",
            "select * from (select * from users), (select * from products)",
            "select * from users, products",
            "select * from users as u, products as p",
            "UPDATE users SET column1 = value1, column2 = value2",
            "DELETE FROM users WHERE condition;",
            "INSERT INTO users (column1, column2) VALUES (v1, v2)",
            "insert ignore into users (name,age) VALUES ('jinzhu',18);",
            "MERGE INTO users USING ",
            "SELECT * FROM \"public\".\"users\"",
            "SELECT * FROM `users`",
        ] {
            assert_eq!(raw_table(sql).as_deref(), Some("users"), "{sql}");
        }
        assert_eq!(raw_table("SELECT 1"), None);
    }

    #[test]
    fn raw_selects_read_and_everything_else_writes() {
        assert_eq!(guess("SELECT * FROM users"), Side::Replica);
        assert_eq!(guess("  \n select name from users"), Side::Replica);
        assert_eq!(guess("SELECT * FROM users FOR UPDATE"), Side::Source);
        assert_eq!(guess("select * from users for share;"), Side::Source);
        assert_eq!(
            guess("SELECT * FROM users FOR UPDATE SKIP LOCKED"),
            Side::Source
        );
        assert_eq!(guess("UPDATE users SET a = 1"), Side::Source);
        assert_eq!(
            guess("SELECT 1"),
            Side::Source,
            "GORM: ten characters or fewer"
        );
        assert_eq!(guess("WITH x AS (SELECT 1) SELECT * FROM x"), Side::Source);
    }
}
