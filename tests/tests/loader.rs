//! Every way loading a plugin can fail gives a typed error naming plugin, file and cause.

use std::path::PathBuf;

use plugorm::{config::PluginsConfig, loader::LoadError, Error, Registry};
use plugorm_tests::{config, config_text, plugin_dir, registry};

fn load(extra: &str) -> Result<Registry, Error> {
    Registry::load(&config(extra))
}

fn load_err(extra: &str) -> LoadError {
    match load(extra) {
        Err(Error::Load(e)) => e,
        Err(other) => panic!("expected a load error, got: {other}"),
        Ok(_) => panic!("expected a load error, the configuration loaded"),
    }
}

fn fixture(file_stem: &str) -> PathBuf {
    plugin_dir().join(plugorm::loader::library_file_name(file_stem))
}

#[test]
fn sqlite_plugin_loads_with_manifest() {
    let r = registry();
    let p = r.get("sqlite").expect("sqlite loaded");
    assert_eq!(p.manifest.version.as_str(), "0.1.0");
    assert_eq!(
        p.manifest.api_version.as_str(),
        plugorm::plugin_api::PLUGIN_API_VERSION
    );
    if plugorm_tests::STATIC {
        assert_eq!(p.origin, plugorm::Origin::Static);
    } else {
        assert_eq!(p.origin, plugorm::Origin::File(fixture("sqlite")));
    }
    assert_eq!(r.schemes(), expected_schemes());
}

/// The schemes a registry from [`config`] serves: the SQLite plugin's, plus — in the
/// single-binary build — those of every dialect linked in (dialects linked into a binary
/// are always available).
fn expected_schemes() -> Vec<String> {
    let mut s = vec!["sqlite"];
    if plugorm_tests::STATIC {
        s = vec![
            "mariadb",
            "mssql",
            "mysql",
            "postgres",
            "postgresql",
            "sqlite",
            "sqlserver",
        ];
    }
    s.into_iter().map(String::from).collect()
}

#[test]
fn missing_file_lists_every_path_tried() {
    let e = load_err("[[plugin]]\nname = \"nosuch\"\n");
    let LoadError::NotFound {
        plugin,
        file,
        tried,
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(plugin, "nosuch");
    assert_eq!(file, &plorm_file("nosuch"));
    assert_eq!(tried, &vec![plugin_dir().join(plorm_file("nosuch"))]);
    let msg = e.to_string();
    assert!(
        msg.contains("libplugorm_nosuch.so") && msg.contains(&plugin_dir().display().to_string()),
        "{msg}"
    );
}

fn plorm_file(name: &str) -> String {
    plugorm::loader::library_file_name(name)
}

#[test]
fn text_file_is_not_a_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("libplugorm_text.so");
    std::fs::write(&path, "this is not a library\n").unwrap();
    let e = load_err(&format!(
        "[[plugin]]\nname = \"text\"\npath = {:?}\n",
        path.display().to_string()
    ));
    let LoadError::NotAPlugin {
        plugin,
        path: p,
        cause,
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(plugin, "text");
    assert_eq!(p, &path);
    assert!(cause.contains("cannot be opened"), "{cause}");
}

#[test]
fn shared_library_without_root_module_is_not_a_plugin() {
    let path = fixture("fixture_not_a_plugin");
    let e = load_err(&format!(
        "[[plugin]]\nname = \"other\"\npath = {:?}\n",
        path.display().to_string()
    ));
    let LoadError::NotAPlugin { cause, path: p, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(p, &path);
    assert!(cause.contains("exports no plugorm root module"), "{cause}");
}

#[test]
fn plugin_built_against_older_api_is_refused_naming_both_versions() {
    let path = fixture("fixture_old_api");
    let e = load_err(&format!(
        "[[plugin]]\nname = \"old\"\npath = {:?}\n",
        path.display().to_string()
    ));
    let LoadError::ApiMismatch {
        plugin,
        plugin_api,
        host_api,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(plugin, "old");
    assert_eq!(plugin_api, "0.0.9");
    assert_eq!(host_api, plugorm::plugin_api::PLUGIN_API_VERSION);
    let msg = e.to_string();
    assert!(msg.contains("rebuild the plugin"), "{msg}");
}

#[test]
fn layout_mismatch_is_a_short_message_not_the_layout_dump() {
    let path = fixture("fixture_bad_layout");
    let e = load_err(&format!(
        "[[plugin]]\nname = \"bad\"\npath = {:?}\n",
        path.display().to_string()
    ));
    let LoadError::ApiMismatch {
        detail, plugin_api, ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(plugin_api, plugorm::plugin_api::PLUGIN_API_VERSION);
    assert!(
        detail.contains("Error:"),
        "the differing item is named: {detail}"
    );
    let msg = e.to_string();
    assert!(
        msg.lines().count() <= 4,
        "message is a few lines, got {}:\n{msg}",
        msg.lines().count()
    );
    assert!(
        msg.len() < 1500,
        "message is short, got {} bytes",
        msg.len()
    );
}

#[test]
fn version_outside_requirement_is_refused() {
    let text = config_text("").replace("version = \"^0.1\"", "version = \"^2.0\"");
    let cfg = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap();
    let e = match Registry::load(&cfg) {
        Err(Error::Load(e)) => e,
        other => panic!("expected a version error, got {:?}", other.err()),
    };
    let LoadError::VersionMismatch {
        plugin,
        version,
        required,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(
        (plugin.as_str(), version.as_str(), required.as_str()),
        ("sqlite", "0.1.0", "^2.0")
    );
}

#[test]
fn duplicate_plugin_name_is_refused_with_both_lines() {
    let text = format!("{}\n[[plugin]]\nname = \"sqlite\"\n", config_text(""));
    let e = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap_err();
    // The second entry's name line (the single-binary build's text has one entry more).
    let lines: Vec<&str> = text.lines().collect();
    let second = lines.iter().rposition(|l| *l == "name = \"sqlite\"");
    assert_eq!(e.line, second.map(|i| i + 1));
    assert!(
        e.message.contains("listed twice") && e.message.contains("line 3"),
        "{}",
        e.message
    );
}

#[test]
fn library_providing_another_plugin_is_refused() {
    let path = fixture("sqlite");
    let e = load_err(&format!(
        "[[plugin]]\nname = \"duckdb\"\npath = {:?}\n",
        path.display().to_string()
    ));
    let LoadError::NameMismatch { plugin, found, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!((plugin.as_str(), found.as_str()), ("duckdb", "sqlite"));
}

#[test]
fn panic_in_plugin_is_contained_and_host_keeps_running() {
    let e = load_err("[[plugin]]\nname = \"fixture\"\n[plugin.config]\npanic = \"initialize\"\n");
    let LoadError::Panicked {
        plugin,
        during,
        message,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!((plugin.as_str(), *during), ("fixture", "initialize"));
    assert!(message.contains("panicked on purpose"), "{message}");
    // The process is fine: load again and use a database.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = registry().open("sqlite::memory:").await.unwrap();
        let rows = db.raw("SELECT 1 AS one", ()).await.unwrap();
        assert_eq!(rows.iter().next().unwrap().get::<i64>("one").unwrap(), 1);
    });
}

#[test]
fn bad_plugin_config_names_key_and_line() {
    let e =
        load_err("[[plugin]]\nname = \"fixture\"\n[plugin.config]\nother = 1\nmode = \"weird\"\n");
    let LoadError::BadConfig {
        plugin,
        key,
        line,
        message,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(plugin, "fixture");
    assert_eq!(key.as_deref(), Some("mode"));
    assert_eq!(*line, Some(10), "{e}");
    assert!(message.contains("expected"), "{message}");
}

#[test]
fn malformed_toml_reports_line() {
    let cases = [
        ("search_paths = [\"a\"\n[[plugin]]\n", "expected `,`"),
        (
            "[[plugin]]\nname = \"sqlite\"\nversoin = \"^0.1\"\n",
            "unknown field",
        ),
        (
            "[[plugin]]\nname = \"sqlite\"\nversion = \"not a version\"\n",
            "semver",
        ),
        ("[[plugin]]\nname = \"bad name\"\n", "plugin name"),
        ("[[plugin]]\nname = \"x\"\nsha256 = \"abc\"\n", "64 hex"),
    ];
    for (text, needle) in cases {
        let e = PluginsConfig::parse(text, std::path::Path::new("/cfg/plugins.toml")).unwrap_err();
        assert!(e.line.is_some(), "{needle}: no line in {e}");
        assert!(e.to_string().contains("/cfg/plugins.toml:"), "{e}");
        assert!(
            e.to_string().to_lowercase().contains(needle),
            "{needle}: {e}"
        );
    }
    let e = PluginsConfig::parse(
        "[[plugin]]\nname = \"sqlite\"\nversoin = \"^0.1\"\n",
        std::path::Path::new("p.toml"),
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3));
}

#[test]
fn unknown_scheme_lists_the_loaded_schemes() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let e = rt
        .block_on(registry().open("oracle://scott:tiger@db/x"))
        .unwrap_err();
    let Error::UnknownScheme {
        scheme,
        available,
        url,
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(scheme, "oracle");
    assert_eq!(available, &expected_schemes());
    assert!(!url.contains("tiger"), "password redacted: {url}");
    assert!(e.to_string().contains("sqlite"));
    let e = rt.block_on(registry().open("no-scheme-here")).unwrap_err();
    assert!(matches!(e, Error::InvalidUrl { .. }), "{e}");
}

#[test]
fn sha256_pin_is_checked_before_opening() {
    if plugorm_tests::STATIC {
        return; // the static build never opens the file
    }
    let wrong = "0".repeat(64);
    let text = config_text("").replace(
        "version = \"^0.1\"",
        &format!("version = \"^0.1\"\nsha256 = \"{wrong}\""),
    );
    let cfg = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap();
    let e = match Registry::load(&cfg) {
        Err(Error::Load(e)) => e,
        other => panic!("expected a hash error, got {:?}", other.err()),
    };
    let LoadError::HashMismatch {
        expected, actual, ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(expected, &wrong);
    let right = actual.clone();
    let text = config_text("").replace(
        "version = \"^0.1\"",
        &format!("version = \"^0.1\"\nsha256 = \"{right}\""),
    );
    let cfg = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap();
    assert!(Registry::load(&cfg).is_ok());
}

#[test]
fn disabled_plugins_are_not_loaded() {
    let text = config_text("").replace("version = \"^0.1\"", "version = \"^0.1\"\nenabled = false");
    let cfg = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap();
    let r = Registry::load(&cfg).unwrap();
    assert!(r.get("sqlite").is_none());
    assert!(
        !r.schemes().iter().any(|s| s == "sqlite"),
        "{:?}",
        r.schemes()
    );
}

#[test]
fn relative_search_paths_resolve_against_the_config_folder() {
    let cfg = PluginsConfig::parse(
        "search_paths = [\"lib\", \"/abs\"]\n",
        std::path::Path::new("/etc/app/plugins.toml"),
    )
    .unwrap();
    assert_eq!(
        cfg.search_paths,
        vec![PathBuf::from("/etc/app/lib"), PathBuf::from("/abs")]
    );
}

/// Parses `text` as the `plugins.toml` of `dir` and loads it.
fn load_in(dir: &std::path::Path, text: &str) -> Result<Registry, Error> {
    let cfg = PluginsConfig::parse(text, &dir.join("plugins.toml")).unwrap();
    Registry::load(&cfg)
}

fn load_in_err(dir: &std::path::Path, text: &str) -> LoadError {
    match load_in(dir, text) {
        Err(Error::Load(e)) => e,
        Err(other) => panic!("expected a load error, got: {other}"),
        Ok(_) => panic!("expected a load error, the configuration loaded"),
    }
}

/// The `[[plugin]]` entry of the fixture plugin (never linked statically, so its file is
/// opened in both builds) at `path`, after the top-level `top` lines.
fn fixture_at(top: &str, path: &std::path::Path, pin: Option<&str>) -> String {
    let pin = pin
        .map(|p| format!("sha256 = \"{p}\"\n"))
        .unwrap_or_default();
    format!(
        "{top}[[plugin]]\nname = \"fixture\"\npath = {:?}\n{pin}",
        path.display().to_string()
    )
}

/// A copy of the fixture plugin's library in `dir`, with permission bits `mode`.
fn fixture_copy(dir: &std::path::Path, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(plorm_file("fixture"));
    std::fs::copy(fixture("fixture"), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn world_writable_library_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_copy(dir.path(), 0o666);
    let e = load_in_err(dir.path(), &fixture_at("", &path, None));
    let LoadError::UnsafePermissions {
        plugin,
        path: p,
        mode,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!((plugin.as_str(), p, *mode), ("fixture", &path, 0o666));
    let msg = e.to_string();
    assert!(
        msg.contains(&path.display().to_string())
            && msg.contains("0666")
            && msg.contains("allow_writable_plugins"),
        "{msg}"
    );
    let allowed = fixture_at("allow_writable_plugins = true\n", &path, None);
    let r = load_in(dir.path(), &allowed).unwrap();
    assert!(r.get("fixture").is_some());
    // Owner-only write is fine.
    set_mode(&path, 0o755);
    assert!(load_in(dir.path(), &fixture_at("", &path, None)).is_ok());
}

#[test]
fn library_in_a_world_writable_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    let path = fixture_copy(&open, 0o755);
    set_mode(&open, 0o777);
    let e = load_in_err(dir.path(), &fixture_at("", &path, None));
    let LoadError::UnsafePermissions { path: p, mode, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!((p, *mode), (&open, 0o777), "{e}");
    // A sticky folder (as /tmp): others can't rename or delete what they don't own.
    set_mode(&open, 0o1777);
    assert!(load_in(dir.path(), &fixture_at("", &path, None)).is_ok());
}

#[test]
fn pinned_copy_loads_and_a_mismatching_pin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_copy(dir.path(), 0o755);
    let wrong = "0".repeat(64);
    let e = load_in_err(dir.path(), &fixture_at("", &path, Some(&wrong)));
    let LoadError::HashMismatch {
        path: p,
        expected,
        actual,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!((p, expected), (&path, &wrong));
    let right = actual.clone();
    assert!(load_in(dir.path(), &fixture_at("", &path, Some(&right))).is_ok());
    // Loaded once, the same file is checked against a pin all the same.
    let e = load_in_err(dir.path(), &fixture_at("", &path, Some(&wrong)));
    assert!(matches!(e, LoadError::HashMismatch { .. }), "{e}");
    // A new file at the path is a new library: read and checked again.
    std::fs::remove_file(&path).unwrap();
    std::fs::copy(fixture("fixture_not_a_plugin"), &path).unwrap();
    let e = load_in_err(dir.path(), &fixture_at("", &path, Some(&right)));
    let LoadError::HashMismatch { actual, .. } = &e else {
        panic!("{e}")
    };
    assert_ne!(actual, &right);
}

#[test]
fn truncated_library_is_refused_before_it_is_mapped() {
    let bytes = std::fs::read(fixture("fixture")).unwrap();
    let len = bytes.len();
    let dir = tempfile::tempdir().unwrap();
    for cut in [0, 10, 64, 1000, len / 3, len / 2, len - 100, len - 1] {
        let folder = dir.path().join(format!("cut{cut}"));
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join(plorm_file("fixture"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let e = load_in_err(dir.path(), &fixture_at("", &path, None));
        let LoadError::NotAPlugin { path: p, cause, .. } = &e else {
            panic!("cut at {cut}: {e}")
        };
        assert_eq!(p, &path);
        assert!(
            cause.contains("truncated") || cause.contains("no ELF magic"),
            "cut at {cut}: {cause}"
        );
    }
}

#[test]
fn directory_where_the_library_should_be_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(plorm_file("fixture"));
    std::fs::create_dir(&path).unwrap();
    let e = load_in_err(dir.path(), &fixture_at("", &path, None));
    let LoadError::NotAPlugin { path: p, cause, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(p, &path);
    assert!(cause.contains("is a directory, not a library file"), "{e}");
    // Found through the search paths too.
    let text = format!(
        "search_paths = [{:?}]\n[[plugin]]\nname = \"fixture\"\n",
        dir.path().display().to_string()
    );
    let e = load_in_err(dir.path(), &text);
    assert!(
        e.to_string().contains("is a directory, not a library file"),
        "{e}"
    );
}

/// A `[plugin.config]` of `keys` keys `k0 = 0` …, after a `[[plugin]]` header.
fn large_config(keys: usize) -> String {
    let mut text = String::from("[[plugin]]\nname = \"fixture\"\n[plugin.config]\n");
    for i in 0..keys {
        text.push_str(&format!("k{i} = {i}\n"));
    }
    text
}

#[test]
fn large_plugin_config_parses_with_key_lines() {
    let text = large_config(20_000);
    let cfg = PluginsConfig::parse(&text, std::path::Path::new("plugins.toml")).unwrap();
    let entry = &cfg.plugins[0];
    assert_eq!(entry.config_key_lines.len(), 20_000);
    assert_eq!(entry.config_line("k0"), Some(4));
    assert_eq!(entry.config_line("k19999"), Some(20_003));
    assert!(entry.config_json.contains("\"k19999\":19999"));
}

#[test]
fn ten_megabyte_plugin_config_parses() {
    let text = large_config(620_000);
    assert!(text.len() > 10_000_000, "{}", text.len());
    let cfg = PluginsConfig::parse(&text, std::path::Path::new("plugins.toml")).unwrap();
    assert_eq!(cfg.plugins[0].config_line("k619999"), Some(620_003));
}
