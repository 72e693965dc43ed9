//! Where each hint goes in a rendered statement, per dialect, as edits of its text.

use plugorm_plugin_api::kit::lexer::Lexicon;

use crate::{
    error::HintError,
    scan::{name_of, tokens, Kind, Token},
    settings::{Action, Comment, Hints, IndexHint, Place, Scope},
};

/// The dialects the plugin knows how to write hints for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    MySql,
    Postgres,
    Sqlite,
    SqlServer,
    /// Any other dialect: optimizer hints and comments as written, no index hints.
    Other,
}

impl Flavor {
    /// The flavor of the dialect named `name`.
    pub fn of(name: &str) -> Flavor {
        match name {
            "mysql" | "mariadb" => Flavor::MySql,
            "postgres" | "postgresql" => Flavor::Postgres,
            "sqlite" => Flavor::Sqlite,
            "sqlserver" | "mssql" => Flavor::SqlServer,
            _ => Flavor::Other,
        }
    }

    fn lexicon(self) -> Lexicon {
        match self {
            Flavor::MySql => Lexicon::MYSQL,
            Flavor::Postgres => Lexicon::POSTGRES,
            Flavor::Sqlite => Lexicon::SQLITE,
            Flavor::SqlServer => Lexicon {
                bracket_identifiers: true,
                nested_comments: true,
                ..Lexicon::STANDARD
            },
            Flavor::Other => Lexicon::STANDARD,
        }
    }

    fn quote(self, name: &str) -> String {
        match self {
            Flavor::MySql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }
}

/// Words that end a clause's expression (where `hints:comment_after` writes).
const CLAUSES: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "HAVING",
    "WINDOW",
    "ORDER",
    "LIMIT",
    "OFFSET",
    "FETCH",
    "FOR",
    "SET",
    "VALUES",
    "RETURNING",
    "OUTPUT",
    "UNION",
    "INTERSECT",
    "EXCEPT",
    "OPTION",
];

/// Words after a table that are no alias of it, besides the clause words ([`CLAUSES`]).
const NOT_ALIASES: &[&str] = &[
    "LEFT",
    "RIGHT",
    "INNER",
    "OUTER",
    "FULL",
    "CROSS",
    "JOIN",
    "NATURAL",
    "STRAIGHT_JOIN",
    "ON",
    "USING",
    "WITH",
    "LOCK",
    "INDEXED",
    "NOT",
    "USE",
    "FORCE",
    "IGNORE",
];

/// The table a statement reads from or updates, as written in it.
struct Target {
    /// Its name without quotes or schema.
    name: String,
    /// Its alias, if it has one.
    alias: Option<String>,
    /// Where a hint after it goes: the end of the alias, or of the name.
    end: usize,
    /// True in an UPDATE.
    update: bool,
    /// The token after it.
    next: Option<usize>,
}

/// The statement's text with `hints` written in; `None` when nothing applies to it.
pub fn rewrite(
    flavor: Flavor,
    dialect: &str,
    hints: &Hints,
    text: &str,
) -> Result<Option<String>, HintError> {
    let toks = tokens(text, flavor.lexicon());
    let mut edits: Vec<(usize, String)> = Vec::new();
    let lead = leading_keyword(text, &toks);
    let target = lead.and_then(|i| target(text, &toks, i));
    let applicable: Vec<&IndexHint> = match &target {
        Some(t) => hints
            .indexes
            .iter()
            .filter(|h| {
                let table = h.table.rsplit('.').next().unwrap_or(&h.table);
                table.eq_ignore_ascii_case(&t.name)
            })
            .collect(),
        None => Vec::new(),
    };
    let unsupported = |hint: &str, reason: &str| HintError::Unsupported {
        hint: hint.to_string(),
        dialect: dialect.to_string(),
        reason: reason.to_string(),
    };
    // Index hints first: on PostgreSQL they join the optimizer hints' comment.
    let mut plan_hints: Vec<String> = Vec::new();
    if let (Some(t), false) = (&target, applicable.is_empty()) {
        match flavor {
            Flavor::MySql => {
                let mut written = String::new();
                for h in &applicable {
                    if h.indexes.is_empty() {
                        return Err(unsupported(
                            &h.written,
                            "MySQL ignores indexes by name; name them instead of `*`",
                        ));
                    }
                    let names: Vec<String> = h.indexes.iter().map(|i| flavor.quote(i)).collect();
                    written.push_str(&format!(
                        " {} INDEX{} ({})",
                        h.action.keyword(),
                        h.scope.keywords(),
                        names.join(",")
                    ));
                }
                edits.push((t.end, written));
            }
            Flavor::Postgres => {
                let on = t.alias.as_deref().unwrap_or(&t.name);
                for h in &applicable {
                    if h.scope != Scope::All {
                        return Err(unsupported(&h.written, "pg_hint_plan scans a table with an index for the whole query; drop the `for …` part"));
                    }
                    match (h.action, h.indexes.is_empty()) {
                        (Action::Ignore, true) => plan_hints.push(format!("NoIndexScan({on})")),
                        (Action::Ignore, false) => return Err(unsupported(&h.written, "pg_hint_plan cannot ignore single indexes; write `ignore *` (NoIndexScan) or name the indexes to use")),
                        _ => plan_hints.push(format!("IndexScan({on} {})", h.indexes.join(" "))),
                    }
                }
            }
            Flavor::Sqlite => {
                let [h] = applicable.as_slice() else {
                    return Err(unsupported(
                        &applicable[0].written,
                        "SQLite takes one index hint per table (INDEXED BY or NOT INDEXED)",
                    ));
                };
                let written = match (h.action, h.scope, h.indexes.as_slice()) {
                    (Action::Ignore, Scope::All, []) => " NOT INDEXED".to_string(),
                    (Action::Use | Action::Force, Scope::All, [index]) => format!(" INDEXED BY {}", flavor.quote(index)),
                    _ => return Err(unsupported(&h.written, "SQLite can use exactly one named index (INDEXED BY) or none (`ignore *`: NOT INDEXED), for the whole statement")),
                };
                edits.push((t.end, written));
            }
            Flavor::SqlServer => {
                let mut names = Vec::new();
                for h in &applicable {
                    if t.update {
                        return Err(unsupported(
                            &h.written,
                            "SQL Server takes no INDEX table hint on an UPDATE's target",
                        ));
                    }
                    if h.action == Action::Ignore || h.scope != Scope::All {
                        return Err(unsupported(&h.written, "SQL Server can only force indexes for the whole query (WITH (INDEX(…)))"));
                    }
                    names.extend(h.indexes.iter().map(|i| flavor.quote(i)));
                }
                let index = format!("INDEX({})", names.join(","));
                // Table hints the dialect wrote already (a lock's `WITH (UPDLOCK)`) take it in.
                let open = t
                    .next
                    .filter(|&n| toks[n].is(text, "with"))
                    .and_then(|n| toks.get(n + 1))
                    .filter(|p| p.kind == Kind::Punct(b'('));
                match open {
                    Some(p) => edits.push((p.end, format!("{index}, "))),
                    None => edits.push((t.end, format!(" WITH ({index})"))),
                }
            }
            Flavor::Other => {
                return Err(unsupported(
                    &applicable[0].written,
                    "the hints plugin knows no index hint syntax for this dialect",
                ))
            }
        }
    }
    if let Some(lead) = lead {
        optimizer(flavor, hints, plan_hints, text, &toks[lead], &mut edits);
    }
    for c in &hints.comments {
        comment(text, &toks, c, &mut edits);
    }
    if edits.is_empty() {
        return Ok(None);
    }
    edits.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(text.len() + 64);
    let mut done = 0;
    for (at, piece) in edits {
        out.push_str(&text[done..at]);
        out.push_str(&piece);
        done = at;
    }
    out.push_str(&text[done..]);
    Ok(Some(out))
}

/// The optimizer hints: one `/*+ … */` after the leading keyword, or SQL Server's
/// `OPTION (…)` at the end.
fn optimizer(
    flavor: Flavor,
    hints: &Hints,
    mut plan: Vec<String>,
    text: &str,
    lead: &Token,
    edits: &mut Vec<(usize, String)>,
) {
    if flavor == Flavor::SqlServer {
        if !hints.optimizer.is_empty() {
            edits.push((
                text.trim_end().len(),
                format!(" OPTION ({})", hints.optimizer.join(", ")),
            ));
        }
        return;
    }
    let mut all = hints.optimizer.clone();
    all.append(&mut plan);
    if !all.is_empty() {
        edits.push((lead.end, format!(" /*+ {} */", all.join(" "))));
    }
}

/// The statement's own keyword: the first word when it is SELECT, INSERT, UPDATE or
/// DELETE, or the first of those at the top level after a WITH.
fn leading_keyword(text: &str, toks: &[Token]) -> Option<usize> {
    const KINDS: [&str; 4] = ["SELECT", "INSERT", "UPDATE", "DELETE"];
    let first = toks.first()?;
    if KINDS.iter().any(|k| first.is(text, k)) {
        return Some(0);
    }
    if !first.is(text, "WITH") {
        return None;
    }
    toks.iter()
        .position(|t| t.depth == 0 && KINDS.iter().any(|k| t.is(text, k)))
}

/// The table a SELECT reads first (after its top-level FROM) or an UPDATE updates.
fn target(text: &str, toks: &[Token], lead: usize) -> Option<Target> {
    let (mut at, update) = if toks[lead].is(text, "SELECT") {
        let from = toks[lead..]
            .iter()
            .position(|t| t.depth == 0 && t.is(text, "FROM"))?;
        (lead + from + 1, false)
    } else if toks[lead].is(text, "UPDATE") {
        let mut at = lead + 1;
        while toks
            .get(at)
            .is_some_and(|t| t.is(text, "LOW_PRIORITY") || t.is(text, "IGNORE"))
        {
            at += 1;
        }
        (at, true)
    } else {
        return None;
    };
    let mut name = name_of(text, toks.get(at)?)?;
    // A qualified name (`app.users`): the last part is the table.
    while toks
        .get(at + 1)
        .is_some_and(|t| t.kind == Kind::Punct(b'.'))
    {
        name = name_of(text, toks.get(at + 2)?)?;
        at += 2;
    }
    let mut end = toks[at].end;
    let mut alias = None;
    let mut next = at + 1;
    let alias_at = match toks.get(next) {
        Some(t) if t.is(text, "AS") => Some(next + 1),
        Some(t)
            if t.kind == Kind::Word
                && !CLAUSES.iter().chain(NOT_ALIASES).any(|w| t.is(text, w)) =>
        {
            Some(next)
        }
        Some(t) if matches!(t.kind, Kind::Quoted(q) if q != b'\'') => Some(next),
        _ => None,
    };
    if let Some(a) = alias_at {
        if let Some(tok) = toks.get(a) {
            alias = name_of(text, tok).map(str::to_string);
            end = tok.end;
            next = a + 1;
        }
    }
    Some(Target {
        name: name.to_string(),
        alias,
        end,
        update,
        next: (next < toks.len()).then_some(next),
    })
}

/// A comment at its clause; a statement without the clause gets none.
fn comment(text: &str, toks: &[Token], c: &Comment, edits: &mut Vec<(usize, String)>) {
    let n = c.clause.len();
    let Some(first) = (0..toks.len()).find(|&i| {
        toks[i].depth == 0
            && c.clause.iter().enumerate().all(|(k, w)| {
                toks.get(i + k)
                    .is_some_and(|t| t.depth == 0 && t.is(text, w))
            })
    }) else {
        return;
    };
    let last = first + n - 1;
    let edit = match c.place {
        Place::Before => (toks[first].start, format!("/* {} */ ", c.text)),
        Place::AfterKeyword => (toks[last].end, format!(" /* {} */", c.text)),
        Place::AfterExpression => {
            let stop = toks[last + 1..]
                .iter()
                .position(|t| {
                    t.depth == 0
                        && (t.kind == Kind::Punct(b';') || CLAUSES.iter().any(|w| t.is(text, w)))
                })
                .map_or(toks.len(), |p| last + 1 + p);
            (toks[stop - 1].end, format!(" /* {} */", c.text))
        }
    };
    edits.push(edit);
}
