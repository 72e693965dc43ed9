//! What is particular to this example: its size limit, its independence from abi_stable,
//! its URLs, loading beside the in-tree `sqlite` plugin, and `plugorm demo` run by the
//! host's binary on it.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The dialect's plugin name and URL scheme.
const PLUGIN: &str = "rusqlite";

/// The folder holding the built binaries and plugin libraries (`target/debug`), found
/// from the test executable (`target/debug/deps/…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    for name in [PLUGIN, "soft-delete"] {
        let so = dir.join(plugorm::loader::library_file_name(name));
        assert!(
            so.is_file(),
            "{} is missing: run `cargo build --workspace` before the tests",
            so.display()
        );
    }
    dir
}

/// A `plugins.toml` loading this dialect and the soft-delete plugin from [`target_dir`],
/// followed by `extra`.
fn config_text(extra: &str) -> String {
    format!(
        "search_paths = [{:?}]\n\n[[plugin]]\nname = \"{PLUGIN}\"\n\n[[plugin]]\nname = \"soft-delete\"\n{extra}",
        target_dir().display().to_string()
    )
}

/// The example's point: a dialect in at most 300 lines of code.
const MAX_LINES: usize = 300;

/// Lines that are neither blank nor comments (`//`, `//!`, `///`), in every `.rs` file
/// under `dir`.
fn code_lines(dir: &Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("readable src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            n += code_lines(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            n += text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .count();
        }
    }
    n
}

#[test]
fn the_dialect_is_at_most_300_lines_of_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let n = code_lines(&src);
    println!("{n} lines of code in {}", src.display());
    assert!(
        n <= MAX_LINES,
        "{n} lines of code in src/, over {MAX_LINES}"
    );
    assert!(n > 50, "the count found the sources ({n})");
}

#[test]
fn no_abi_stable_name_appears_in_the_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let banned = [
        "abi_stable",
        "RString",
        "RVec",
        "ROption",
        "RBox",
        "RStr",
        "RSlice",
    ];
    let mut offenders = Vec::new();
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/driver.rs",
        "dylib/Cargo.toml",
        "dylib/src/lib.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("a readable file");
        for name in banned {
            if text.contains(name) {
                offenders.push(format!("{file}: {name}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[tokio::test]
async fn both_sqlite_dialects_load_together_and_urls_are_checked() {
    let dir = target_dir();
    let text = config_text("\n[[plugin]]\nname = \"sqlite\"\n");
    let config = plugorm::config::PluginsConfig::parse(&text, &dir.join("plugins.toml")).unwrap();
    let registry = plugorm::Registry::load(&config).unwrap();
    assert_eq!(registry.schemes(), ["rusqlite", "sqlite"]);
    let origin = registry.get(PLUGIN).unwrap().origin.to_string();
    assert!(origin.ends_with(".so"), "loaded from its library: {origin}");

    let file = tempfile::tempdir().unwrap();
    let path = file.path().join("shared.db");
    let ours = registry
        .open(&format!("rusqlite://{}", path.display()))
        .await
        .unwrap();
    ours.exec("CREATE TABLE t (v TEXT)", ()).await.unwrap();
    ours.exec("INSERT INTO t (v) VALUES (?)", ("written by rusqlite",))
        .await
        .unwrap();
    let theirs = registry
        .open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let v: Option<String> = theirs.raw_scalar("SELECT v FROM t", ()).await.unwrap();
    assert_eq!(v.as_deref(), Some("written by rusqlite"));

    for bad in ["rusqlite:", "rusqlite://"] {
        let Err(e) = registry.open(bad).await else {
            panic!("{bad} was accepted");
        };
        assert!(e.to_string().contains("rusqlite::memory:"), "{bad}: {e}");
    }
    let missing = format!(
        "rusqlite:{}",
        file.path().join("no/such/dir/x.db").display()
    );
    let Err(e) = registry.open(&missing).await else {
        panic!("{missing} was opened");
    };
    assert!(e.to_string().contains("cannot connect"), "{e}");
}

/// `plugorm demo` and `plugorm plugins check` on this dialect, by the host's own
/// binary (the debug build next to the tests), loading it from a `plugins.toml`.
#[test]
fn the_host_binary_runs_the_demo_on_this_dialect() {
    let dir = target_dir();
    let exe = dir.join("plugorm");
    assert!(
        exe.is_file(),
        "{} is missing: run `cargo build --workspace`",
        exe.display()
    );
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("plugins.toml");
    std::fs::write(&config, config_text("")).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&exe)
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .expect("plugorm runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "plugorm {args:?} failed:\n{stdout}\n{stderr}"
        );
        stdout
    };
    let list = run(&["plugins", "list"]);
    assert!(
        list.contains("rusqlite") && list.contains("libplugorm_rusqlite"),
        "{list}"
    );
    assert!(run(&["plugins", "check"]).contains("ok: 2 plugin(s) loaded"));
    let url = format!("rusqlite:{}", work.path().join("demo.db").display());
    let demo = run(&["demo", "--database", &url]);
    assert!(demo.contains("RETURNING \"id\""), "{demo}");
    assert!(
        demo.contains("rows with code TX2 after the rollback: 0"),
        "{demo}"
    );
    assert!(demo.trim_end().ends_with("done."), "{demo}");
    let sql = run(&["sql", &url, "SELECT count(*) AS n FROM products"]);
    assert!(sql.contains("(1 row)"), "{sql}");
}
