//! plugins.toml text → `PluginsConfig::parse`: any answer but a panic or a hang (the
//! script bounds inputs with `-max_len` and runs with a per-input `-timeout`).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use plugorm::config::PluginsConfig;

fuzz_target!(|text: &str| {
    let _ = PluginsConfig::parse(text, Path::new("conf/plugins.toml"));
});
