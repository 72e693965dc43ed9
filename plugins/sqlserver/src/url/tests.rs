use super::*;

fn reason(text: &str) -> String {
    match parse(text) {
        Err(DbError::InvalidUrl { reason, url }) => {
            assert!(!url.contains("s3cret"), "the password leaked into {url}");
            reason
        }
        other => panic!("{text}: expected InvalidUrl, got {other:?}"),
    }
}

#[test]
fn urls_with_every_key() {
    let s = parse(
        "sqlserver://sa:p%40ss@db.local:1444?database=app&encrypt=strict\
         &trust_server_certificate=true&app_name=my%20app&connect_timeout=5\
         &command_timeout=500ms",
    )
    .unwrap();
    assert_eq!(s.host, "db.local");
    assert_eq!(s.port, 1444);
    assert_eq!(s.database.as_deref(), Some("app"));
    assert_eq!(s.user.as_deref(), Some("sa"));
    assert_eq!(s.password.as_deref(), Some("p@ss"));
    assert_eq!(s.encrypt, Encrypt::Strict);
    assert!(s.trust_server_certificate);
    assert_eq!(s.app_name.as_deref(), Some("my app"));
    assert_eq!(s.connect_timeout, Some(Duration::from_secs(5)));
    assert_eq!(s.command_timeout, Some(Duration::from_millis(500)));
    assert_eq!(s.label(), "db.local:1444/app");
    assert_eq!(s.address(), "db.local:1444");
}

#[test]
fn url_defaults_and_forms() {
    let s = parse("mssql://sa:pw@localhost").unwrap();
    assert_eq!((s.port, s.database.clone()), (1433, None));
    assert_eq!(
        s.encrypt,
        Encrypt::Required,
        "encrypted unless told otherwise"
    );
    assert!(!s.trust_server_certificate);
    assert_eq!((s.connect_timeout, s.command_timeout), (None, None));
    // The database as the URL's path (what the conformance kit's helper writes).
    assert_eq!(
        parse("sqlserver://sa:pw@h/shop")
            .unwrap()
            .database
            .as_deref(),
        Some("shop")
    );
    assert_eq!(
        parse("SQLSERVER://sa:pw@h:1/x?encrypt=false")
            .unwrap()
            .encrypt,
        Encrypt::LoginOnly
    );
    assert_eq!(
        parse("sqlserver://sa:pw@h?encrypt=danger_plaintext")
            .unwrap()
            .encrypt,
        Encrypt::Plaintext
    );
    assert_eq!(
        parse("sqlserver://sa:pw@h?encrypt=true").unwrap().encrypt,
        Encrypt::Required
    );
    let v6 = parse("sqlserver://sa:pw@[::1]:1500/db").unwrap();
    assert_eq!((v6.host.as_str(), v6.port), ("::1", 1500));
    assert_eq!(v6.address(), "[::1]:1500");
    assert_eq!(
        parse("sqlserver://sa:pw@h?connect_timeout=0")
            .unwrap()
            .connect_timeout,
        None
    );
    assert_eq!(
        parse("sqlserver://sa:pw@h?command_timeout=2m")
            .unwrap()
            .command_timeout,
        Some(Duration::from_secs(120))
    );
}

#[test]
fn bad_urls_name_the_key() {
    assert!(reason("sqlserver://sa:s3cret@h?encrypt=sometimes").contains("`encrypt`"));
    assert!(
        reason("sqlserver://sa:s3cret@h?trust_server_certificate=maybe")
            .contains("`trust_server_certificate`")
    );
    assert!(reason("sqlserver://sa:s3cret@h?connect_timeout=soon").contains("`connect_timeout`"));
    assert!(reason("sqlserver://sa:s3cret@h?command_timeout=5h").contains("`command_timeout`"));
    assert!(reason("sqlserver://sa:s3cret@h:http").contains("`port`"));
    assert!(reason("sqlserver://sa:s3cret@h:0").contains("`port`"));
    assert!(reason("sqlserver://sa:s3cret@h?sslmode=require").contains("unknown key `sslmode`"));
    assert!(reason("sqlserver://sa:s3cret@h/a?database=b").contains("`database`"));
    assert!(reason("sqlserver://sa:s3cret@h?app_name=%zz").contains("`app_name`"));
    assert!(reason("sqlserver://h/db").contains("no user"));
    assert!(reason("sqlserver://sa:s3cret@/db").contains("no server"));
}

#[test]
fn ado_strings() {
    let s = parse(
        "Server=tcp:db.local,1444;Database=app;User Id=sa;Password=s3cret;Encrypt=True;\
         TrustServerCertificate=False;Application Name=shop;Connect Timeout=15;\
         Command Timeout=30",
    )
    .unwrap();
    assert_eq!((s.host.as_str(), s.port), ("db.local", 1444));
    assert_eq!(s.database.as_deref(), Some("app"));
    assert_eq!(s.user.as_deref(), Some("sa"));
    assert_eq!(s.password.as_deref(), Some("s3cret"));
    assert_eq!(s.encrypt, Encrypt::Required);
    assert!(!s.trust_server_certificate);
    assert_eq!(s.app_name.as_deref(), Some("shop"));
    assert_eq!(s.connect_timeout, Some(Duration::from_secs(15)));
    assert_eq!(s.command_timeout, Some(Duration::from_secs(30)));
    // Behind the scheme (how the host routes it), other key spellings, quoted values.
    let s = parse(
        "sqlserver:data source=localhost;initial catalog=shop;uid=app;\
         pwd=\"a;b\"\"c\";encrypt=strict;trustservercertificate=yes;",
    )
    .unwrap();
    assert_eq!((s.host.as_str(), s.port), ("localhost", 1433));
    assert_eq!(s.database.as_deref(), Some("shop"));
    assert_eq!(s.password.as_deref(), Some("a;b\"c"));
    assert_eq!(s.encrypt, Encrypt::Strict);
    assert!(s.trust_server_certificate);
    let braces = parse("mssql:Server=h;User ID=x;Password={p;w}}d};Encrypt=False").unwrap();
    assert_eq!(braces.password.as_deref(), Some("p;w}d"));
    assert_eq!(braces.encrypt, Encrypt::LoginOnly);
    assert_eq!(
        parse("Server=.;User=x;Password=").unwrap().host,
        "localhost"
    );
}

#[test]
fn bad_ado_strings_name_the_key() {
    assert!(reason("Server=h;User Id=x;Password=s3cret;Encrypt=sometimes").contains("`Encrypt`"));
    assert!(
        reason("Server=h;User Id=x;Password=s3cret;Integrated Security=SSPI")
            .contains("unknown key `Integrated Security`")
    );
    assert!(reason("Server=h\\SQLEXPRESS;User Id=x;Password=s3cret").contains("named instances"));
    assert!(reason("Server=h,99999;User Id=x;Password=s3cret").contains("`Server`"));
    assert!(reason("Server=h;User Id=x;Password=\"s3cret").contains("closing"));
    assert!(reason("Server=h;User Id=x;Password='s3cret' junk").contains("after the closing"));
    assert!(reason("Server=h;User Id=x;Password=s3cret;garbage").contains("`garbage`"));
    assert!(reason("Database=app;User Id=x;Password=s3cret").contains("no server"));
}

#[test]
fn passwords_never_show() {
    assert_eq!(
        redact("sqlserver://sa:s3cret@h:1433/db?encrypt=true"),
        "sqlserver://sa:***@h:1433/db?encrypt=true"
    );
    assert_eq!(redact("mssql://sa@h/db"), "mssql://sa@h/db");
    assert_eq!(
        redact("Server=h;Password=s3cret;User Id=sa"),
        "Server=h;Password=***;User Id=sa"
    );
    assert_eq!(
        redact("sqlserver:Server=h; PWD = \"s3;cr\"\"et\" ;Database=d"),
        "sqlserver:Server=h; PWD =*** ;Database=d"
    );
    let s = parse("sqlserver://sa:s3cret@h").unwrap();
    assert!(!format!("{s:?}").contains("s3cret"));
}

#[test]
fn settings_become_a_tiberius_config() {
    let s = parse("sqlserver://sa:pw@db:1500/app?encrypt=false").unwrap();
    assert_eq!(s.config().get_addr(), "db:1500");
    assert_eq!(
        s.config().get_command_timeout(),
        None,
        "no statement limit by default"
    );
    let timed = parse("sqlserver://sa:pw@db?command_timeout=10&connect_timeout=3").unwrap();
    assert_eq!(
        timed.config().get_command_timeout(),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        timed.config().get_handshake_timeout(),
        Some(Duration::from_secs(3))
    );
}
