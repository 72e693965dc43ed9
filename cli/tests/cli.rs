//! The `plugorm` command as an operator uses it: the plugin table, `check` failing with
//! exit code 1 and a message (never a panic), and `sql` printing rows.
//!
//! The plugin libraries are those `cargo build --workspace` put beside the binary (built
//! without plugin features, it links none).

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_plugorm")
}

/// The folder of the binary, where the workspace build put the plugin libraries.
fn build_dir() -> PathBuf {
    Path::new(exe())
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("plugins.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn sqlite_config(dir: &Path) -> PathBuf {
    let lib = build_dir().join("libplugorm_sqlite.so");
    assert!(
        lib.is_file(),
        "{} is missing: run `cargo build --workspace` first",
        lib.display()
    );
    write_config(
        dir,
        &format!(
            "search_paths = [{:?}]\n[[plugin]]\nname = \"sqlite\"\nversion = \"^0.1\"\n",
            build_dir().display().to_string()
        ),
    )
}

fn run(args: &[&str]) -> Output {
    Command::new(exe())
        .args(args)
        .env_remove("PLUGORM_CONFIG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn plugins_list_shows_the_sqlite_plugin_loaded_from_its_library() {
    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let out = run(&["plugins", "list", "--config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let header = stdout.lines().next().unwrap_or_default();
    for column in ["name", "version", "kind", "origin", "plugin-api", "state"] {
        assert!(header.contains(column), "{stdout}");
    }
    let row = stdout
        .lines()
        .find(|l| l.starts_with("sqlite "))
        .unwrap_or_else(|| panic!("no sqlite row in:\n{stdout}"));
    assert!(row.contains("dialect") && row.contains("0.1.0"), "{row}");
    assert!(row.contains("libplugorm_sqlite.so"), "{row}");
    assert!(row.trim_end().ends_with("enabled"), "{row}");
    // This binary links no plugin: nothing else is listed.
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
}

#[test]
fn plugins_check_fails_with_exit_1_and_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "search_paths = [\"nowhere\"]\n[[plugin]]\nname = \"sqlite\"\n",
    );
    let out = run(&["plugins", "check", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("sqlite") && stderr.contains("nowhere"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A named configuration file that does not exist is an error, not "0 plugins".
    let missing = dir.path().join("absent.toml");
    let out = run(&["plugins", "check", "--config", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("absent.toml"),
        "{}",
        text(&out.stderr)
    );

    // A malformed file names its line.
    let config = write_config(
        dir.path(),
        "[[plugin]]\nname = \"sqlite\"\nenabled = \"yes\"\n",
    );
    let out = run(&["plugins", "check", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("plugins.toml:3"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn sql_prints_rows_as_a_table_and_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let config = config.to_str().unwrap();
    let out = run(&[
        "sql",
        "--config",
        config,
        "sqlite::memory:",
        "SELECT 41 + 1 AS answer, 'plug' || 'orm' AS name",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].contains("answer") && lines[0].contains("name"),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("42") && l.contains("plugorm")),
        "{stdout}"
    );
    assert!(stdout.contains("(1 row)"), "{stdout}");

    let out = run(&["sql", "--config", config, "oracle://db", "SELECT 1"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("oracle") && stderr.contains("sqlite"),
        "{stderr}"
    );

    let out = run(&[
        "sql",
        "--config",
        config,
        "sqlite::memory:",
        "SELEC nonsense",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn demo_walks_through_crud_soft_delete_and_transactions_printing_its_sql_as_gorm() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "search_paths = [{:?}]\n[[plugin]]\nname = \"sqlite\"\n[[plugin]]\nname = \"soft-delete\"\n",
            build_dir().display().to_string()
        ),
    );
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let out = run(&[
        "demo",
        "--config",
        config.to_str().unwrap(),
        "--database",
        &url,
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", text(&out.stderr));
    for expected in [
        "] CREATE TABLE `products`",
        "] [rows:1] INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES ('D42',100,'",
        "RETURNING `id`",
        "] [rows:1] UPDATE `products` SET `deleted_at`='",
        "] [rows:1] SELECT * FROM `products` WHERE code = 'D42' AND",
        "visible: 3, stored: 4",
        "first(#1) = RecordNotFound",
        "rows with code TX2 after the rollback: 0",
        "] DELETE FROM `products`",
        "done.",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // Every statement as GORM's logger prints it, values inlined, transactions included.
    let sql_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("   [") || l.contains("] [rows:"))
        .collect();
    assert!(sql_lines.len() > 20, "{stdout}");
    for line in &sql_lines {
        let (elapsed, rest) = line
            .trim_start()
            .split_once("ms] [rows:")
            .unwrap_or_else(|| panic!("not GORM's `[elapsed] [rows:n] SQL`: {line:?}"));
        let (_, ms) = elapsed.rsplit_once('[').unwrap_or_default();
        assert!(ms.parse::<f64>().is_ok(), "{line:?}");
        assert!(
            rest.starts_with('-') || rest.starts_with(|c: char| c.is_ascii_digit()),
            "{line:?}"
        );
    }
    for command in [
        "] [rows:-] BEGIN",
        "] [rows:-] COMMIT",
        "] [rows:-] ROLLBACK",
    ] {
        assert!(
            sql_lines.iter().any(|l| l.ends_with(command)),
            "no {command:?} line in:\n{stdout}"
        );
    }
    // The failing transaction: its duplicate INSERT is logged with its error, then undone.
    let failed = sql_lines
        .iter()
        .position(|l| l.contains("duplicated key") && l.contains("[rows:-] INSERT"))
        .unwrap_or_else(|| panic!("no failed INSERT in:\n{stdout}"));
    assert!(sql_lines[failed + 1].ends_with("ROLLBACK"), "{stdout}");
    // Values are SQL literals, never Rust's debug form; no colours off a terminal.
    for debug in ["Text(", "I64(", "Timestamp(", "Null", "micros", "\u{1b}["] {
        assert!(!stdout.contains(debug), "{debug:?} in:\n{stdout}");
    }
    // The second migration of an unchanged model runs no DDL.
    assert!(stdout.contains("0 DDL statement(s)"), "{stdout}");
}

/// `plugorm migrate` against a SQLite file: up, status, down, to, and a changed file
/// refused with exit code 1; no progress bar drawn when stderr is not a terminal.
#[test]
fn migrate_up_status_down_and_to_on_a_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    let files = [
        ("1_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO users (name) VALUES ('a;b');"),
        ("1_users.down.sql", "DROP TABLE users;"),
        ("2_email.up.sql", "ALTER TABLE users ADD COLUMN email TEXT;"),
        ("2_email.down.sql", "ALTER TABLE users DROP COLUMN email;"),
    ];
    for (name, sql) in files {
        std::fs::write(migrations.join(name), sql).unwrap();
    }
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let migrate = |args: &[&str]| {
        let mut all = vec![
            "migrate",
            "--config",
            config.to_str().unwrap(),
            "--url",
            &url,
            "--dir",
            migrations.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        run(&all)
    };

    let out = migrate(&["status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("1 ") && l.contains("users") && l.contains("pending")),
        "{stdout}"
    );

    let out = migrate(&["up"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("applied 1 users") && stdout.contains("applied 2 email"),
        "{stdout}"
    );
    assert_eq!(text(&out.stderr), "", "no progress bar off a terminal");

    let out = migrate(&["status"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains(" applied ")).count(),
        2,
        "{stdout}"
    );

    let rows = run(&[
        "sql",
        "--config",
        config.to_str().unwrap(),
        &url,
        "SELECT name FROM users",
    ]);
    assert!(text(&rows.stdout).contains("a;b"), "{}", text(&rows.stdout));

    let out = migrate(&["down"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("rolled back 2 email"),
        "{}",
        text(&out.stdout)
    );
    let stdout = text(&migrate(&["status"]).stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("2 ") && l.contains("pending")),
        "{stdout}"
    );

    let out = migrate(&["to", "0"]);
    assert!(
        text(&out.stdout).contains("rolled back 1 users"),
        "{}",
        text(&out.stdout)
    );
    assert!(migrate(&["up"]).status.success());

    // No run was killed: there is no lock to remove.
    let out = migrate(&["unlock"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "no migrations lock to remove");

    // An applied file edited afterwards: refused, naming the version and the file.
    std::fs::write(
        migrations.join("1_users.up.sql"),
        "CREATE TABLE users (id INTEGER)",
    )
    .unwrap();
    let out = migrate(&["up"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("version 1") && stderr.contains("1_users.up.sql"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn schema_prints_text_json_and_a_mermaid_diagram() {
    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let config = config.to_str().unwrap();
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    for statement in [
        "CREATE TABLE users (id integer PRIMARY KEY, email varchar(64) NOT NULL UNIQUE)",
        "CREATE TABLE pets (id integer PRIMARY KEY, user_id integer REFERENCES users(id) ON DELETE CASCADE, name text)",
        "CREATE INDEX idx_pets_name ON pets(name)",
    ] {
        let out = run(&["sql", "--config", config, &url, statement]);
        assert!(out.status.success(), "{statement}: {}", text(&out.stderr));
    }

    let out = run(&["schema", "--config", config, &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("pets\n"),
        "tables in name order: {stdout}"
    );
    assert!(stdout.contains("index idx_pets_name (name)"), "{stdout}");
    assert!(
        stdout.contains("(user_id) -> users (id) ON DELETE CASCADE"),
        "{stdout}"
    );

    let out = run(&["schema", "--config", config, &url, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\"referenced_table\": \"users\""),
        "{stdout}"
    );
    assert!(stdout.contains("\"name\": \"email\""), "{stdout}");

    let out = run(&["schema", "--config", config, &url, "--format", "mermaid"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("erDiagram\n"), "{stdout}");
    assert!(stdout.contains("integer user_id FK"), "{stdout}");
    assert!(stdout.contains("pets }o--o| users"), "{stdout}");

    let out = run(&["schema", "--config", config, &url, "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown format");
}

#[test]
fn migrate_plan_without_registered_models_says_where_to_run_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let out = run(&[
        "migrate",
        "--config",
        config.to_str().unwrap(),
        "--url",
        &url,
        "plan",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("register_model!"), "{stderr}");
}
