//! Connection URLs → each dialect plugin's URL parsing, and the host's pool-key split and
//! password redaction: any answer but a panic. The first byte picks a scheme to prepend,
//! so most inputs reach past the scheme check.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SCHEMES: &[&str] = &[
    "",
    "sqlite:",
    "sqlite://",
    "postgres://",
    "postgresql://",
    "mysql://",
    "mariadb://",
];

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let url = format!("{}{rest}", SCHEMES[usize::from(*first) % SCHEMES.len()]);
    let _ = plugorm_sqlite::fuzz_parse_url(&url);
    let _ = plugorm_postgres::fuzz_parse_url(&url);
    let _ = plugorm_mysql::fuzz_parse_url(&url);
    let _ = plugorm::config::split_pool_keys(&url);
    let _ = plugorm::redact_url(&url);
});
