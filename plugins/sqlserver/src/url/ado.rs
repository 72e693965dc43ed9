//! ADO.NET connection strings: `Server=tcp:host,1433;Database=app;User Id=sa;…`.

use plugorm_plugin_api::{DbError, DbResult};

use super::{bad, bad_key, parse_port, set_key, Settings};

/// The canonical name of an ADO.NET key (case and spaces ignored), `None` if unknown.
fn ado_key(key: &str) -> Option<&'static str> {
    let k: String = key
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match k.as_str() {
        "server" | "datasource" | "address" | "addr" | "networkaddress" => "server",
        "database" | "initialcatalog" => "database",
        "userid" | "uid" | "user" | "username" => "user",
        "password" | "pwd" => "password",
        "encrypt" => "encrypt",
        "trustservercertificate" => "trust_server_certificate",
        "applicationname" | "app" => "app_name",
        "connecttimeout" | "connectiontimeout" | "timeout" => "connect_timeout",
        "commandtimeout" => "command_timeout",
        _ => return None,
    })
}

pub(super) fn parse(text: &str, ado: &str) -> DbResult<Settings> {
    let mut s = Settings::default();
    for (key, value) in ado_pairs(text, ado)? {
        let name = ado_key(&key).ok_or_else(|| {
            bad(
                text,
                format!(
                    "unknown key `{key}`; the sqlserver plugin reads Server, Database, User Id, \
                     Password, Encrypt, TrustServerCertificate, Application Name, \
                     Connect Timeout and Command Timeout"
                ),
            )
        })?;
        match name {
            "server" => {
                let (host, port) = ado_server(text, &key, &value)?;
                s.host = host;
                s.port = port.unwrap_or(1433);
            }
            "user" => s.user = Some(value).filter(|u| !u.is_empty()),
            "password" => s.password = Some(value),
            "database" => s.database = Some(value).filter(|d| !d.is_empty()),
            _ => set_key(text, &mut s, name, &value).map_err(|e| rename_key(e, name, &key))?,
        }
    }
    Ok(s)
}

/// An error about URL key `name` reworded with the ADO.NET key the user wrote.
fn rename_key(e: DbError, name: &str, key: &str) -> DbError {
    match e {
        DbError::InvalidUrl { url, reason } => DbError::InvalidUrl {
            url,
            reason: reason.replace(&format!("`{name}`"), &format!("`{key}`")),
        },
        other => other,
    }
}

/// `tcp:host,port`, `host,port`, `host`; a named instance (`host\name`) needs the SQL
/// Browser service, which this plugin does not query.
fn ado_server(text: &str, key: &str, value: &str) -> DbResult<(String, Option<u16>)> {
    let v = value.trim();
    let v = match v.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tcp:") => &v[4..],
        _ => v,
    };
    if v.contains('\\') {
        return Err(bad_key(
            text,
            key,
            "named instances (`host\\instance`) are not supported; give the instance's port \
             (`tcp:host,1433`)",
        ));
    }
    let (host, port) = match v.split_once(',') {
        Some((h, p)) => (h.trim(), Some(parse_port(text, key, p)?)),
        None => (v, None),
    };
    let host = match host {
        "." | "(local)" | "localhost" => "localhost",
        h => h,
    };
    Ok((host.to_string(), port))
}

/// The `key=value` pairs of an ADO.NET string: `;`-separated, values optionally in
/// `"…"`, `'…'` (the quote doubled inside) or `{…}`, which may hold `;`.
fn ado_pairs(text: &str, ado: &str) -> DbResult<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut rest = ado.trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else {
            let stray = rest.split(';').next().unwrap_or(rest).trim();
            if stray.is_empty() {
                rest = rest.trim_start_matches(';').trim_start();
                continue;
            }
            return Err(bad(text, format!("`{stray}` is not a `key=value` pair")));
        };
        let key = rest[..eq].trim().to_string();
        if key.is_empty() || key.contains(';') {
            let stray = rest[..eq].split(';').next().unwrap_or("").trim();
            return Err(bad(text, format!("`{stray}` is not a `key=value` pair")));
        }
        let after = rest[eq + 1..].trim_start();
        let (value, tail) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => quoted(text, &key, after, q, q)?,
            Some('{') => quoted(text, &key, after, '{', '}')?,
            _ => match after.split_once(';') {
                Some((v, t)) => (v.trim_end().to_string(), t),
                None => (after.trim_end().to_string(), ""),
            },
        };
        pairs.push((key, value));
        rest = tail.trim_start_matches([';', ' ', '\t']);
    }
    Ok(pairs)
}

/// A value quoted from `open` to `close` (a doubled `close` stands for one), and the text
/// after it and its `;`.
fn quoted<'a>(
    text: &str,
    key: &str,
    s: &'a str,
    open: char,
    close: char,
) -> DbResult<(String, &'a str)> {
    let mut value = String::new();
    let mut chars = s[open.len_utf8()..].char_indices().peekable();
    let base = open.len_utf8();
    while let Some((i, c)) = chars.next() {
        if c != close {
            value.push(c);
            continue;
        }
        if chars.peek().map(|(_, n)| *n) == Some(close) {
            value.push(close);
            chars.next();
            continue;
        }
        let tail = s[base + i + close.len_utf8()..].trim_start();
        return match tail.strip_prefix(';') {
            Some(t) => Ok((value, t)),
            None if tail.is_empty() => Ok((value, "")),
            None => Err(bad_key(text, key, "text after the closing quote")),
        };
    }
    Err(bad_key(text, key, format!("no closing `{close}`")))
}

/// An ADO.NET string with every password value replaced by `***` (quoted values too).
pub(super) fn redact(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    // Each `password=` / `pwd=` key at the start of a pair.
    let mut i = 0;
    while i < text.len() {
        let starts_pair = i == 0 || matches!(text.as_bytes()[i - 1], b';' | b' ' | b':');
        let key = ["password", "pwd"]
            .iter()
            .find(|k| starts_pair && lower[i..].starts_with(*k));
        let Some(key) = key else {
            i += 1;
            continue;
        };
        let after_key = i + key.len();
        let eq = text[after_key..]
            .find(|c: char| !c.is_whitespace())
            .map(|o| after_key + o);
        let Some(eq) = eq.filter(|e| text.as_bytes()[*e] == b'=') else {
            i += 1;
            continue;
        };
        let value_start = eq + 1;
        let value_end = redacted_value_end(text, value_start);
        out.push_str(&text[at..value_start]);
        out.push_str("***");
        at = value_end;
        i = value_end.max(i + 1);
    }
    out.push_str(&text[at..]);
    out
}

/// Where the value starting at `start` ends (its closing quote included).
fn redacted_value_end(text: &str, start: usize) -> usize {
    let v = &text[start..];
    let lead = v.len() - v.trim_start().len();
    let body = v.trim_start();
    let close = match body.chars().next() {
        Some(q @ ('"' | '\'')) => q,
        Some('{') => '}',
        _ => return start + v.find(';').unwrap_or(v.len()),
    };
    let mut idx = 1;
    let bytes = body.as_bytes();
    while idx < bytes.len() {
        if bytes[idx] == close as u8 {
            if bytes.get(idx + 1) == Some(&(close as u8)) {
                idx += 2;
                continue;
            }
            return start + lead + idx + 1;
        }
        idx += 1;
    }
    text.len()
}
