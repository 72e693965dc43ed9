//! A plugin built against a frozen earlier release of plugorm-plugin-api loads in the
//! current host, and its callback changes the host's statement (the 0.2 compatibility
//! promise; the frozen packages live in `tests/fixtures/frozen-api/`).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use plugorm::{
    config::PluginsConfig,
    plugin_api::{
        statement::{Expr, Select, Statement, TableRef},
        CallbackContext, Processor,
    },
    Registry,
};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The newest frozen package: `(version, path)`.
fn newest_frozen_package(dir: &Path) -> (String, PathBuf) {
    let mut found: Vec<(Vec<u64>, String, PathBuf)> = std::fs::read_dir(dir)
        .expect("tests/fixtures/frozen-api is readable")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            let version = name
                .strip_prefix("plugorm-plugin-api-")?
                .strip_suffix(".crate")?
                .to_string();
            let key = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
            Some((key, version, path))
        })
        .collect();
    found.sort();
    let (_, version, path) = found.pop().expect("a frozen plugin-API package");
    (version, path)
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Unpacks the frozen package and builds the fixture against it; the library's path.
fn build_frozen_plugin() -> (String, PathBuf) {
    let root = workspace_root();
    let fixtures = root.join("tests/fixtures/frozen-api");
    let (version, package) = newest_frozen_package(&fixtures);
    let work = root.join("target/frozen-api");
    std::fs::create_dir_all(&work).expect("target/frozen-api can be created");
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&package)
        .arg("-C")
        .arg(&work));
    let crate_dir = work.join(format!("plugorm-plugin-api-{version}"));
    let plugin_dir = work.join("plugin");
    std::fs::create_dir_all(&plugin_dir).expect("the fixture folder can be created");
    let manifest = format!(
        "[package]\nname = \"plugorm-fixture-frozen\"\nversion = \"{version}\"\n\
         edition = \"2021\"\npublish = false\n\n[lib]\nname = \"plugorm_fixture_frozen\"\n\
         crate-type = [\"cdylib\"]\npath = {:?}\n\n[dependencies]\n\
         plugorm-plugin-api = {{ path = {:?} }}\n\n[workspace]\n",
        fixtures.join("plugin.rs").display().to_string(),
        crate_dir.display().to_string(),
    );
    std::fs::write(plugin_dir.join("Cargo.toml"), manifest).expect("the manifest is written");
    // The workspace's lock file: the same dependency versions, all in the local registry.
    std::fs::copy(root.join("Cargo.lock"), plugin_dir.join("Cargo.lock"))
        .expect("Cargo.lock is copied");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo)
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(plugin_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("RUSTFLAGS"));
    let lib = work
        .join("target/debug")
        .join(plugorm::loader::library_file_name("fixture_frozen"));
    assert!(
        lib.is_file(),
        "the fixture library was built at {}",
        lib.display()
    );
    (version, lib)
}

#[test]
fn a_plugin_built_against_the_frozen_release_loads_and_runs() {
    let (version, lib) = build_frozen_plugin();
    let text = format!(
        "[[plugin]]\nname = \"frozen\"\npath = {:?}\n",
        lib.display().to_string()
    );
    let cfg = PluginsConfig::parse(
        &text,
        &workspace_root().join("target/frozen-api/plugins.toml"),
    )
    .expect("the configuration parses");
    let registry = Registry::load(&cfg).unwrap_or_else(|e| panic!("the frozen plugin loads: {e}"));
    let plugin = registry.get("frozen").expect("loaded");
    assert_eq!(plugin.manifest.api_version, version);

    let spec = registry
        .callbacks()
        .find(|c| c.name == "frozen:tag")
        .expect("its callback is registered");
    assert_eq!(spec.processor, Processor::Query);
    let mut ctx = CallbackContext {
        processor: Processor::Query,
        statement: Statement::Select(Select::from_table(TableRef::new("users"))),
        schema: None.into(),
        settings: Default::default(),
    };
    spec.callback.call(&mut ctx).expect("the callback runs");
    let Statement::Select(s) = &ctx.statement else {
        panic!("still a SELECT")
    };
    assert_eq!(
        s.conditions.as_slice(),
        [Expr::bare_col("frozen_tag").eq(1i64)]
    );
}
