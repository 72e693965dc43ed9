//! The guides of `docs/`, compiled: `cargo test -p plugorm-guide` runs every Rust block.

// The guide shows a plugin's `build.rs` whole, `fn main` included.
#![allow(clippy::needless_doctest_main)]

#[doc = include_str!("../writing-a-plugin.md")]
pub mod writing_a_plugin {}
