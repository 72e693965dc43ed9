//! Compile errors of `#[derive(Model)]`: every bad attribute is refused with a message
//! pointing at the attribute (cases in `tests/ui/*.rs`, expected output beside them).
//!
//! Regenerate the `.stderr` files after an intended change with
//! `TRYBUILD=overwrite cargo test -p plugorm-tests --test derive_ui`, then review them.

#[test]
fn bad_attributes_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
