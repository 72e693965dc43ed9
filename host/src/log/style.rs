//! [`ExplainStyle`]: how a dialect's statement text reads, as far as inlining its values
//! needs — where its parameters are, what quotes and comments to step over, and how it
//! writes a literal.
//!
//! The host learns it from what a dialect already tells it, so no plugin declares
//! anything new:
//!
//! | fact | taken from | gives |
//! |---|---|---|
//! | placeholder form | the dialect renders one parameter (`?`, `$1`, `@p1`, …) | positional `?` or numbered `prefix + n` |
//! | `$n` placeholders | the PostgreSQL family | dollar quotes, `E'…'`, nested comments; bytes as `'\x…'` |
//! | `ON DUPLICATE KEY` upserts ([`UpsertStyle::OnDuplicateKey`]) | the MySQL family (MySQL, MariaDB, TiDB) | backslash escapes and `#` comments; a backslash in a string is doubled |
//! | anything else | SQLite and standard SQL | `'…'` strings, `"…"`, `` `…` `` and `[…]` names; bytes as `X'…'` |

use plugorm_plugin_api::{
    dialect::UpsertStyle,
    kit::lexer::Lexicon,
    statement::{RawSql, Statement},
    Dialect, Value,
};

/// Where a statement's parameters are in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// Each `?` is the next parameter (SQLite, MySQL).
    Positional,
    /// `prefix` and a number `n` is parameter `n`, counted from 1 (`$1` on PostgreSQL).
    Numbered(Box<str>),
}

/// How a bytes value is written as a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BytesLiteral {
    /// `X'0aff'`: SQLite, MySQL, standard SQL.
    HexX,
    /// `'\x0aff'`: PostgreSQL's bytea hex form (`X'…'` is a bit string there).
    Bytea,
}

/// How a dialect writes literals where they differ between databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Literals {
    /// A backslash in a string escapes the next character (MySQL's default mode), so a
    /// literal backslash is written doubled.
    pub(crate) backslash_escapes: bool,
    pub(crate) bytes: BytesLiteral,
}

/// Everything [`super::explain`] needs to know about a dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExplainStyle {
    pub(crate) placeholders: Placeholders,
    pub(crate) lexicon: Lexicon,
    pub(crate) literals: Literals,
}

impl ExplainStyle {
    /// SQLite's, and standard SQL's: `?` parameters.
    pub(crate) fn sqlite() -> ExplainStyle {
        ExplainStyle {
            placeholders: Placeholders::Positional,
            lexicon: Lexicon::SQLITE,
            literals: Literals {
                backslash_escapes: false,
                bytes: BytesLiteral::HexX,
            },
        }
    }

    /// PostgreSQL's: `$n` parameters.
    pub(crate) fn postgres() -> ExplainStyle {
        ExplainStyle {
            placeholders: Placeholders::Numbered("$".into()),
            lexicon: Lexicon::POSTGRES,
            literals: Literals {
                backslash_escapes: false,
                bytes: BytesLiteral::Bytea,
            },
        }
    }

    /// MySQL's and MariaDB's (default SQL mode): `?` parameters, backslash escapes.
    pub(crate) fn mysql() -> ExplainStyle {
        ExplainStyle {
            placeholders: Placeholders::Positional,
            lexicon: Lexicon::MYSQL,
            literals: Literals {
                backslash_escapes: true,
                bytes: BytesLiteral::HexX,
            },
        }
    }

    /// The style of `dialect`, read from how it renders a parameter and from its
    /// capabilities (the table in this module's documentation). Runs once per opened
    /// database.
    pub(crate) fn of(dialect: &dyn Dialect) -> ExplainStyle {
        let placeholders = probe_placeholders(dialect);
        if placeholders == Placeholders::Numbered("$".into()) {
            return ExplainStyle::postgres();
        }
        let base = if dialect.capabilities().upsert == UpsertStyle::OnDuplicateKey {
            ExplainStyle::mysql()
        } else {
            ExplainStyle::sqlite()
        };
        ExplainStyle {
            placeholders,
            ..base
        }
    }
}

/// Renders one parameter through the dialect and reads its placeholder back: `?`, or a
/// prefix before the number 1. A dialect that refuses the probe is taken as `?`.
fn probe_placeholders(dialect: &dyn Dialect) -> Placeholders {
    let probe = Statement::Raw(RawSql::new("?", [Value::Null]));
    let Ok(sql) = dialect.render(&probe) else {
        return Placeholders::Positional;
    };
    match sql.text.as_str().strip_suffix('1') {
        Some(prefix) if !prefix.is_empty() && !prefix.contains('?') => {
            Placeholders::Numbered(prefix.into())
        }
        _ => Placeholders::Positional,
    }
}
