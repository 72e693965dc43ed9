//! A single binary with exactly the plugins its application named: the
//! `sqlite_soft_delete` example links the SQLite and soft-delete plugin crates and runs the
//! `plugorm` commands with no `.so` file and no `plugins.toml`. Both linked plugins are
//! listed and enabled, no other plugin is there, and `plugins.toml` can still disable one.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The example binary, built beside `plugorm` by `cargo test` / `cargo build --all-targets`.
fn exe() -> PathBuf {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_plugorm"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let exe = bin_dir.join("examples").join(format!(
        "sqlite_soft_delete{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(
        exe.is_file(),
        "{} is missing: run `cargo build --workspace --all-targets` first",
        exe.display()
    );
    exe
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs the example in `dir` (no `plugins.toml` there unless the test wrote one).
fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(exe())
        .current_dir(dir)
        .args(args)
        .env_remove("PLUGORM_CONFIG")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `plugins list` row of a plugin, split into its columns.
fn row(list: &str, name: &str) -> Option<Vec<String>> {
    list.lines()
        .map(|l| l.split("  ").map(str::trim).filter(|c| !c.is_empty()))
        .map(|cells| cells.map(String::from).collect::<Vec<_>>())
        .find(|cells| cells.first().map(String::as_str) == Some(name))
}

/// The plugin-API release every linked plugin was built against (this workspace's).
const API: &str = plugorm::plugin_api::PLUGIN_API_VERSION;

#[test]
fn the_binary_lists_exactly_its_two_linked_plugins_as_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let list = run(dir.path(), &["plugins", "list"]);
    assert!(list.ok, "{}", list.stderr);
    assert_eq!(
        row(&list.stdout, "sqlite"),
        Some(
            ["sqlite", "0.1.0", "dialect", "static", API, "enabled"]
                .map(String::from)
                .to_vec()
        ),
        "{}",
        list.stdout
    );
    assert_eq!(
        row(&list.stdout, "soft-delete"),
        Some(
            ["soft-delete", "0.1.1", "feature", "static", API, "enabled"]
                .map(String::from)
                .to_vec()
        ),
        "{}",
        list.stdout
    );
    for absent in ["postgres", "mysql"] {
        assert!(
            row(&list.stdout, absent).is_none(),
            "{absent} is not linked:\n{}",
            list.stdout
        );
    }
    let check = run(dir.path(), &["plugins", "check"]);
    assert!(check.ok, "{}", check.stderr);
    assert_eq!(check.stdout.trim(), "ok: 2 plugin(s) loaded");

    // No PostgreSQL dialect: its URL is refused, naming the one scheme there is.
    let sql = run(dir.path(), &["sql", "postgres://db/app", "SELECT 1"]);
    assert!(!sql.ok, "{}", sql.stdout);
    assert!(
        sql.stderr.contains("postgres") && sql.stderr.contains("sqlite"),
        "{}",
        sql.stderr
    );
}

#[test]
fn the_demo_runs_with_the_linked_soft_delete_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let demo = run(dir.path(), &["demo", "--database", &url]);
    assert!(demo.ok, "{}\n{}", demo.stderr, demo.stdout);
    for expected in [
        "plugin: sqlite 0.1.0 (static)",
        "plugin: soft-delete 0.1.1 (static)",
        "] [rows:1] UPDATE `products` SET `deleted_at`='",
        "visible: 3, stored: 4",
        "done.",
    ] {
        assert!(
            demo.stdout.contains(expected),
            "missing {expected:?} in:\n{}",
            demo.stdout
        );
    }
}

#[test]
fn plugins_toml_disables_a_linked_plugin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plugins.toml"),
        "[[plugin]]\nname = \"soft-delete\"\nenabled = false\n",
    )
    .unwrap();
    let list = run(dir.path(), &["plugins", "list"]);
    assert!(list.ok, "{}", list.stderr);
    assert_eq!(
        row(&list.stdout, "soft-delete").and_then(|r| r.last().cloned()),
        Some("disabled (plugins.toml)".to_string()),
        "{}",
        list.stdout
    );
    let check = run(dir.path(), &["plugins", "check"]);
    assert_eq!(
        check.stdout.trim(),
        "ok: 1 plugin(s) loaded",
        "{}",
        check.stderr
    );

    // The demo's model has a soft-delete field: without the plugin it is refused, not
    // deleted for real.
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let demo = run(dir.path(), &["demo", "--database", &url]);
    assert!(!demo.ok, "{}", demo.stdout);
    assert!(
        demo.stderr.contains("no soft-delete plugin is loaded"),
        "{}",
        demo.stderr
    );
}

#[test]
fn migrate_plan_and_generate_cover_the_models_the_binary_registers() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let migrations = dir.path().join("migrations");
    let migrations = migrations.to_str().unwrap();

    let plan = run(dir.path(), &["migrate", "--url", &url, "plan"]);
    assert!(plan.ok, "{}", plan.stderr);
    assert!(
        plan.stdout.contains("CREATE TABLE `notes`"),
        "{}",
        plan.stdout
    );

    let generated = run(
        dir.path(),
        &[
            "migrate", "--url", &url, "--dir", migrations, "generate", "init",
        ],
    );
    assert!(generated.ok, "{}", generated.stderr);
    assert!(
        generated.stdout.contains("1_init.up.sql"),
        "{}",
        generated.stdout
    );
    let up = run(
        dir.path(),
        &["migrate", "--url", &url, "--dir", migrations, "up"],
    );
    assert!(up.ok, "{}", up.stderr);

    let plan = run(dir.path(), &["migrate", "--url", &url, "plan"]);
    assert!(plan.ok, "{}", plan.stderr);
    assert!(plan.stdout.contains("nothing to do"), "{}", plan.stdout);
    let again = run(
        dir.path(),
        &[
            "migrate", "--url", &url, "--dir", migrations, "generate", "again",
        ],
    );
    assert!(
        again.ok && again.stdout.contains("nothing to do"),
        "{}",
        again.stdout
    );
    assert!(!Path::new(migrations).join("2_again.up.sql").exists());
}
