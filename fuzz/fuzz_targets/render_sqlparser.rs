//! Random statement trees rendered by the SQLite, PostgreSQL and MySQL renderers: the
//! SQL must parse with sqlparser's matching dialect as exactly one statement, with
//! every quoted identifier intact and one placeholder per bound parameter.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use plugorm_fuzz::check::{all_dialects, MYSQL_LOCKS};
use plugorm_fuzz::stmt::Gen;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(locks) = u.choose(&MYSQL_LOCKS).copied() else {
        return;
    };
    let mut generator = Gen::default();
    let Ok(stmt) = generator.statement(&mut u) else {
        return;
    };
    if let Err(failure) = all_dialects(&stmt, &generator.names, locks) {
        panic!("{failure}\n  tree: {stmt:?}");
    }
});
