//! Connection strings: `sqlserver://` / `mssql://` URLs and ADO.NET strings, read into
//! [`Settings`] and from there into tiberius' `Config`.
//!
//! URL form: `sqlserver://user:password@host:1433/database?encrypt=true&app_name=app`.
//! ADO.NET form: `Server=tcp:host,1433;Database=app;User Id=sa;Password=…;Encrypt=True`,
//! given as it is (the plugin's own API) or behind the scheme, `sqlserver:Server=…`,
//! which is how the host picks this dialect for it.
//!
//! Every key is checked: an unknown key or a bad value is a [`DbError::InvalidUrl`] that
//! names the key; the password never appears in an error or a log line.

use std::time::Duration;

use plugorm_plugin_api::{DbError, DbResult};
use tiberius::{AuthMethod, Config, EncryptionLevel};

/// The URL query keys this plugin reads (their ADO.NET names: the `ado` module).
pub(crate) const URL_KEYS: [&str; 6] = [
    "database",
    "encrypt",
    "trust_server_certificate",
    "app_name",
    "connect_timeout",
    "command_timeout",
];

/// How the connection is encrypted (the URL's `encrypt`, ADO.NET's `Encrypt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encrypt {
    /// `true` / `mandatory` (the default): TLS for the whole session, or no connection.
    Required,
    /// `false` / `optional`: TLS for the login only (SQL Server always encrypts the
    /// password), the session in plain text.
    LoginOnly,
    /// `strict`: TDS 8.0, TLS before the first TDS byte.
    Strict,
    /// `danger_plaintext`: no TLS at all, the password in clear (servers without TLS).
    Plaintext,
}

impl Encrypt {
    fn parse(value: &str) -> Option<Encrypt> {
        Some(match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "mandatory" | "required" => Encrypt::Required,
            "false" | "no" | "optional" => Encrypt::LoginOnly,
            "strict" => Encrypt::Strict,
            "danger_plaintext" => Encrypt::Plaintext,
            _ => return None,
        })
    }

    fn level(self) -> EncryptionLevel {
        match self {
            Encrypt::Required => EncryptionLevel::Required,
            Encrypt::LoginOnly => EncryptionLevel::Off,
            Encrypt::Strict => EncryptionLevel::Strict,
            Encrypt::Plaintext => EncryptionLevel::NotSupported,
        }
    }
}

/// A connection string, read.
#[derive(Clone, PartialEq)]
pub(crate) struct Settings {
    pub host: String,
    pub port: u16,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub encrypt: Encrypt,
    pub trust_server_certificate: bool,
    pub app_name: Option<String>,
    /// Bounds opening one connection (TCP and login), besides the pool's own timeout.
    pub connect_timeout: Option<Duration>,
    /// Bounds each wait for the server's next answer; none by default (a statement may
    /// wait for a lock as long as it must). A statement past it leaves the connection
    /// unusable, so the pool closes it.
    pub command_timeout: Option<Duration>,
}

/// Never prints the password.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("encrypt", &self.encrypt)
            .field("trust_server_certificate", &self.trust_server_certificate)
            .field("app_name", &self.app_name)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            host: String::new(),
            port: 1433,
            database: None,
            user: None,
            password: None,
            encrypt: Encrypt::Required,
            trust_server_certificate: false,
            app_name: None,
            connect_timeout: None,
            command_timeout: None,
        }
    }
}

impl Settings {
    /// `host:port/database`, for messages (never the user's password).
    pub(crate) fn label(&self) -> String {
        format!(
            "{}:{}/{}",
            self.host,
            self.port,
            self.database.as_deref().unwrap_or("")
        )
    }

    /// The `host:port` to open a TCP connection to.
    pub(crate) fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port) // an IPv6 literal
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// tiberius' configuration for these settings.
    pub(crate) fn config(&self) -> Config {
        let mut c = Config::new();
        c.host(&self.host);
        c.port(self.port);
        if let Some(db) = &self.database {
            c.database(db);
        }
        c.application_name(self.app_name.as_deref().unwrap_or("plugorm"));
        c.encryption(self.encrypt.level());
        if self.trust_server_certificate {
            c.trust_cert();
        }
        if let Some(user) = &self.user {
            c.authentication(AuthMethod::sql_server(
                user,
                self.password.as_deref().unwrap_or(""),
            ));
        }
        c.command_timeout(self.command_timeout);
        if let Some(t) = self.connect_timeout {
            c.handshake_timeout(Some(t));
        }
        c
    }
}

/// Reads a connection string: a `sqlserver://` or `mssql://` URL, or an ADO.NET string
/// (bare, or after `sqlserver:` / `mssql:`).
///
/// ```ignore
/// let s = parse("sqlserver://sa:pw@db:1433/app?encrypt=false")?;
/// assert_eq!(s.label(), "db:1433/app");
/// ```
pub(crate) fn parse(text: &str) -> DbResult<Settings> {
    let settings = if let Some(rest) = strip_scheme(text, "://") {
        parse_url(text, rest)?
    } else {
        let ado = strip_scheme(text, ":").unwrap_or(text);
        ado::parse(text, ado)?
    };
    if settings.host.is_empty() {
        return Err(bad(
            text,
            "no server: name a host (`sqlserver://host:1433/db` or `Server=tcp:host,1433`)",
        ));
    }
    if settings.user.is_none() {
        return Err(bad(
            text,
            "no user: SQL Server logins need a user and password (`sqlserver://user:password@host`); \
             Windows and Azure AD authentication are not supported",
        ));
    }
    Ok(settings)
}

/// The text after `sqlserver<sep>` or `mssql<sep>`, ignoring the scheme's case.
fn strip_scheme<'a>(text: &'a str, sep: &str) -> Option<&'a str> {
    ["sqlserver", "mssql"].iter().find_map(|scheme| {
        let head = text.get(..scheme.len() + sep.len())?;
        let rest = &text[head.len()..];
        (head[..scheme.len()].eq_ignore_ascii_case(scheme) && &head[scheme.len()..] == sep)
            .then_some(rest)
    })
}

fn bad(text: &str, reason: impl Into<String>) -> DbError {
    DbError::InvalidUrl {
        url: redact(text),
        reason: reason.into(),
    }
}

/// `bad value for `key`: …`.
fn bad_key(text: &str, key: &str, reason: impl std::fmt::Display) -> DbError {
    bad(text, format!("bad value for `{key}`: {reason}"))
}

fn parse_url(text: &str, rest: &str) -> DbResult<Settings> {
    let mut s = Settings::default();
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (before_query, None),
    };
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            s.user = Some(percent_decode(text, "user", user)?).filter(|u| !u.is_empty());
            s.password = password
                .map(|p| percent_decode(text, "password", p))
                .transpose()?;
            host
        }
        None => authority,
    };
    let (host, port) = split_host_port(host_port);
    s.host = percent_decode(text, "host", host)?;
    if let Some(port) = port {
        s.port = parse_port(text, "port", port)?;
    }
    if let Some(db) = path.filter(|p| !p.is_empty()) {
        s.database = Some(percent_decode(text, "database", db)?);
    }
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(text, key, value)?;
        set_key(text, &mut s, key, &value)?;
    }
    Ok(s)
}

/// `host:port`, `[v6]:port` or a bare host.
fn split_host_port(text: &str) -> (&str, Option<&str>) {
    if let Some(v6) = text.strip_prefix('[') {
        return match v6.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':')),
            None => (text, None),
        };
    }
    match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    }
}

fn parse_port(text: &str, key: &str, port: &str) -> DbResult<u16> {
    port.trim()
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| {
            bad_key(
                text,
                key,
                format!("`{port}` is not a port number (1-65535)"),
            )
        })
}

/// Applies one URL query key.
fn set_key(text: &str, s: &mut Settings, key: &str, value: &str) -> DbResult<()> {
    match key {
        "database" => {
            if s.database.as_deref().is_some_and(|d| d != value) {
                return Err(bad_key(
                    text,
                    key,
                    "the URL's path names another database; give it once",
                ));
            }
            s.database = Some(value.to_string()).filter(|d| !d.is_empty());
        }
        "encrypt" => {
            s.encrypt = Encrypt::parse(value).ok_or_else(|| {
                bad_key(
                    text,
                    key,
                    format!("`{value}`; use true, false, strict or danger_plaintext"),
                )
            })?;
        }
        "trust_server_certificate" => s.trust_server_certificate = parse_bool(text, key, value)?,
        "app_name" => s.app_name = Some(value.to_string()),
        "connect_timeout" => s.connect_timeout = parse_duration(text, key, value)?,
        "command_timeout" => s.command_timeout = parse_duration(text, key, value)?,
        other => {
            return Err(bad(
                text,
                format!(
                    "unknown key `{other}`; the sqlserver plugin reads {}",
                    URL_KEYS.join(", ")
                ),
            ))
        }
    }
    Ok(())
}

fn parse_bool(text: &str, key: &str, value: &str) -> DbResult<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(bad_key(text, key, format!("`{value}`; use true or false"))),
    }
}

/// `30` (seconds), `30s`, `500ms`, `2m`; `0` or `none` for no limit.
fn parse_duration(text: &str, key: &str, value: &str) -> DbResult<Option<Duration>> {
    let v = value.trim().to_ascii_lowercase();
    if v == "none" {
        return Ok(None);
    }
    let digits = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (number, unit) = v.split_at(digits);
    let n: u64 = number.parse().map_err(|_| {
        bad_key(
            text,
            key,
            format!("`{value}`; use seconds (`30`) or a unit (`500ms`, `30s`, `2m`)"),
        )
    })?;
    let d = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" => Duration::from_secs(n.saturating_mul(60)),
        other => return Err(bad_key(text, key, format!("unknown unit `{other}`"))),
    };
    Ok(Some(d).filter(|d| !d.is_zero()))
}

/// The connection string with its password replaced by `***`, for messages.
pub(crate) fn redact(text: &str) -> String {
    if let Some(rest) = strip_scheme(text, "://") {
        let scheme = &text[..text.len() - rest.len()];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        return match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _)) => format!("{scheme}{user}:***@{host}{tail}"),
                None => text.to_string(),
            },
            None => text.to_string(),
        };
    }
    ado::redact(text)
}

/// Decodes `%XX` escapes; `+` is a space in query values only (the caller's choice).
fn percent_decode(text: &str, key: &str, s: &str) -> DbResult<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => return Err(bad_key(text, key, "a `%` not followed by two hex digits")),
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad_key(text, key, "escapes that are not UTF-8"))
}

mod ado;
#[cfg(test)]
mod tests;
