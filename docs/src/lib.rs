//! The guides of `docs/`, compiled: `cargo test -p plugorm-guide` runs every Rust block.

#[doc = include_str!("../writing-a-plugin.md")]
pub mod writing_a_plugin {}
