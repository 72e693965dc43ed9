//! Reading `sqlite:` URLs: which database, how SQLite opens it, and where the plugin
//! runs its statements.
//!
//! The forms: `sqlite::memory:` (also `sqlite://:memory:`), `sqlite://FILE`,
//! `sqlite:FILE`, `sqlite:///abs/FILE`; the file name is percent-decoded (so it may hold
//! `?` or `#`). Query options: `mode` (`ro`, `rw`, `rwc`, `memory`), `cache` (`private`,
//! `shared`), `immutable` (`true`, `1`, `false`, `0`), `vfs` (a VFS name), and the
//! plugin's own `threading` (`thread`, the default, or `inline`, see
//! [`plugorm_plugin_api::kit::Threading::Inline`]). Any other key is refused. A file is
//! created when missing unless the mode is `ro`.

use plugorm_plugin_api::{kit::Threading, DbError, DbResult};
use rusqlite::OpenFlags;

/// The database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A private in-memory database, living in its one connection.
    Memory,
    /// A database SQLite opens by name (a file, or a shared in-memory database with
    /// `mode=memory`), with these flags.
    Named { filename: String, flags: OpenFlags },
}

/// A parsed `sqlite:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqliteUrl {
    pub(crate) target: Target,
    /// The database as messages name it (its decoded file name).
    pub(crate) label: String,
    pub(crate) threading: Threading,
}

/// What the query options set, before they become open flags.
#[derive(Default)]
struct Options {
    read_only: bool,
    in_memory: bool,
    shared_cache: bool,
    immutable: bool,
    vfs: Option<String>,
    threading: Threading,
}

/// Reads a URL; every refusal is [`DbError::InvalidUrl`] naming the URL and the reason.
pub(crate) fn parse(url: &str) -> DbResult<SqliteUrl> {
    let bad = |reason: String| DbError::InvalidUrl {
        url: url.to_string(),
        reason,
    };
    let rest = url
        .strip_prefix("sqlite:")
        .ok_or_else(|| bad("a SQLite URL starts with `sqlite:`".into()))?;
    let no_file =
        || bad("no database file given (use `sqlite://app.db` or `sqlite::memory:`)".into());
    if rest.is_empty() || rest == "//" {
        return Err(no_file());
    }
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (database, query) = match rest.split_once('?') {
        Some((d, q)) => (d, Some(q)),
        None => (rest, None),
    };
    let mut options = Options {
        threading: Threading::OwnThread,
        ..Options::default()
    };
    for pair in query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key, true).map_err(&bad)?;
        let value = decode(value, true).map_err(&bad)?;
        options.set(&key, value).map_err(&bad)?;
    }
    let threading = options.threading;
    if database == ":memory:" || (database.is_empty() && options.in_memory) {
        return Ok(SqliteUrl {
            target: Target::Memory,
            label: "in-memory database".into(),
            threading,
        });
    }
    if database.is_empty() {
        return Err(no_file());
    }
    let label = decode(database, false).map_err(&bad)?;
    Ok(SqliteUrl {
        target: Target::Named {
            filename: options.filename(&label),
            flags: options.flags(),
        },
        label,
        threading,
    })
}

/// The values `threading` accepts, as its error names them.
const THREADING_VALUES: &str = "`thread` (the default: a thread of each connection's own) or \
                                `inline` (statements run on the caller's thread)";

impl Options {
    fn set(&mut self, key: &str, value: String) -> Result<(), String> {
        let unknown =
            |expected: &str| format!("unknown value {value:?} for `{key}` (expected {expected})");
        match key {
            "mode" => match value.as_str() {
                "ro" => self.read_only = true,
                "rw" => {}
                "rwc" => {}
                "memory" => {
                    self.in_memory = true;
                    self.shared_cache = true;
                }
                _ => return Err(unknown("`ro`, `rw`, `rwc` or `memory`")),
            },
            "cache" => match value.as_str() {
                "private" => self.shared_cache = false,
                "shared" => self.shared_cache = true,
                _ => return Err(unknown("`private` or `shared`")),
            },
            "immutable" => match value.as_str() {
                "true" | "1" => self.immutable = true,
                "false" | "0" => self.immutable = false,
                _ => return Err(unknown("`true`, `1`, `false` or `0`")),
            },
            "vfs" => self.vfs = Some(value),
            "threading" => match value.as_str() {
                "thread" => self.threading = Threading::OwnThread,
                "inline" => self.threading = Threading::Inline,
                _ => return Err(unknown(THREADING_VALUES)),
            },
            _ => {
                return Err(format!(
                    "unknown query parameter `{key}` while parsing connection URL (known: \
                     mode, cache, immutable, vfs, threading)"
                ))
            }
        }
        Ok(())
    }

    /// SQLite's open flags: URI file names understood, no mutex (one thread uses a
    /// connection at a time), created when missing unless read-only.
    fn flags(&self) -> OpenFlags {
        let mut flags = OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        flags |= if self.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        };
        if self.in_memory {
            flags |= OpenFlags::SQLITE_OPEN_MEMORY;
        }
        flags |= if self.shared_cache {
            OpenFlags::SQLITE_OPEN_SHARED_CACHE
        } else {
            OpenFlags::SQLITE_OPEN_PRIVATE_CACHE
        };
        flags
    }

    /// The name SQLite opens: the file's, or a `file:` URI when `immutable` or `vfs`
    /// must reach SQLite (they have no open flag).
    fn filename(&self, file: &str) -> String {
        let mut params = Vec::new();
        if self.immutable {
            params.push("immutable=true".to_string());
        }
        if let Some(vfs) = &self.vfs {
            params.push(format!("vfs={}", encode(vfs)));
        }
        if params.is_empty() {
            return file.to_string();
        }
        format!("file:{}?{}", encode(file), params.join("&"))
    }
}

/// Percent-decodes `s` (and `+` as a space in query parts), as UTF-8.
fn decode(s: &str, plus_is_space: bool) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |at: usize| bytes.get(at).and_then(|h| (*h as char).to_digit(16));
        match b {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b),
            },
            b'+' if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| format!("the URL decodes to text that is not UTF-8: {e}"))
}

/// Percent-encodes every byte but ASCII letters and digits, for a `file:` URI.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(url: &str) -> (String, OpenFlags) {
        match parse(url).unwrap().target {
            Target::Named { filename, flags } => (filename, flags),
            Target::Memory => panic!("{url} is a file"),
        }
    }

    fn reason(url: &str) -> String {
        match parse(url) {
            Err(DbError::InvalidUrl { reason, .. }) => reason,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn every_form_of_a_file_names_the_same_file() {
        for url in [
            "sqlite://app.db",
            "sqlite:app.db",
            "sqlite://app.db?mode=rwc",
        ] {
            let (file, flags) = named(url);
            assert_eq!(file, "app.db", "{url}");
            assert!(flags.contains(OpenFlags::SQLITE_OPEN_CREATE), "{url}");
            assert_eq!(parse(url).unwrap().label, "app.db");
        }
        assert_eq!(named("sqlite:///abs/app.db").0, "/abs/app.db");
        assert_eq!(named("sqlite://my%3Fdb%23.db").0, "my?db#.db");
    }

    #[test]
    fn memory_urls_are_a_private_database() {
        for url in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite::memory:?cache=private",
        ] {
            let parsed = parse(url).unwrap();
            assert_eq!(parsed.target, Target::Memory, "{url}");
            assert_eq!(parsed.label, "in-memory database");
        }
    }

    #[test]
    fn modes_and_caches_become_open_flags() {
        let (_, ro) = named("sqlite://a.db?mode=ro");
        assert!(ro.contains(OpenFlags::SQLITE_OPEN_READ_ONLY));
        assert!(!ro.contains(OpenFlags::SQLITE_OPEN_CREATE));
        let (_, mem) = named("sqlite://shared?mode=memory");
        assert!(mem.contains(OpenFlags::SQLITE_OPEN_MEMORY | OpenFlags::SQLITE_OPEN_SHARED_CACHE));
        let (_, private) = named("sqlite://a.db?cache=private");
        assert!(private.contains(OpenFlags::SQLITE_OPEN_PRIVATE_CACHE));
        let (file, _) = named("sqlite://a.db?immutable=1&vfs=unix-dotfile");
        assert_eq!(file, "file:a%2Edb?immutable=true&vfs=unix%2Ddotfile");
    }

    #[test]
    fn threading_is_read_and_a_bad_value_names_the_parameter_and_the_choices() {
        assert_eq!(
            parse("sqlite://a.db").unwrap().threading,
            Threading::OwnThread
        );
        assert_eq!(
            parse("sqlite://a.db?threading=thread").unwrap().threading,
            Threading::OwnThread
        );
        let inline = parse("sqlite::memory:?threading=inline").unwrap();
        assert_eq!(
            (inline.target, inline.threading),
            (Target::Memory, Threading::Inline)
        );
        let e = reason("sqlite://a.db?threading=fast");
        assert!(e.contains("`threading`") && e.contains("\"fast\""), "{e}");
        assert!(e.contains("`thread`") && e.contains("`inline`"), "{e}");
    }

    #[test]
    fn bad_urls_say_why() {
        assert!(reason("postgres://h/db").contains("starts with `sqlite:`"));
        for url in ["sqlite:", "sqlite://", "sqlite://?cache=shared"] {
            assert!(reason(url).contains("no database file given"), "{url}");
        }
        assert!(reason("sqlite://a.db?mode=rx").contains("`mode`"));
        assert!(reason("sqlite://a.db?cache=x").contains("`cache`"));
        assert!(reason("sqlite://a.db?immutable=yes").contains("`immutable`"));
        assert!(reason("sqlite://a.db?colour=red").contains("unknown query parameter `colour`"));
        assert!(reason("sqlite://%FF.db").contains("UTF-8"));
    }
}
