//! The golden-SQL catalogue (`docs/golden-sql.md`) is the index of every `Gnnn` tag in the
//! repository: a test or a comment that cites a tag must find its entry there, and the
//! repository cites no document outside itself for them.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// The repository root (this crate lives in `docs/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every text file of the repository worth scanning: sources, manifests and documents,
/// outside build output and version control.
fn text_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "target" | ".git" | "fixtures") {
                text_files(&path, found);
            }
        } else if [".rs", ".md", ".toml", ".sh"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            found.push(path);
        }
    }
}

/// The `Gnn` / `Gnnn` tags in `text`: a `G` then two or three digits, standing alone.
fn tags(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut found = BTreeSet::new();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'G' || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let end = i + 1 + digits;
        let stands_alone = bytes
            .get(end)
            .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_');
        if (2..=3).contains(&digits) && stands_alone {
            found.insert(text[i..end].to_string());
        }
    }
    found
}

/// The entries of the catalogue: its `### Gnnn` headings.
fn catalogue_entries() -> BTreeSet<String> {
    let catalogue = fs::read_to_string(repo_root().join("docs/golden-sql.md"))
        .expect("docs/golden-sql.md is part of the repository");
    catalogue
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .filter_map(|heading| heading.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_cited_tag_has_an_entry() {
    let entries = catalogue_entries();
    assert!(
        entries.contains("G01") && entries.contains("G134"),
        "{entries:?}"
    );
    let mut files = Vec::new();
    text_files(&repo_root(), &mut files);
    let mut missing = Vec::new();
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for tag in tags(&text) {
            if !entries.contains(&tag) {
                missing.push(format!("{tag} in {}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "tags without a catalogue entry: {missing:#?}"
    );
}

#[test]
fn the_repository_cites_no_document_outside_itself() {
    let mut files = Vec::new();
    text_files(&repo_root(), &mut files);
    let outside = [
        "sql-golden.md",
        "ffi-boundary.md",
        "shared/spec",
        "shared/research",
    ];
    let mut cited = Vec::new();
    for file in files {
        if file.ends_with("docs/tests/golden_catalogue.rs") {
            continue;
        }
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for name in outside.iter().filter(|name| text.contains(*name)) {
            cited.push(format!("{name} in {}", file.display()));
        }
    }
    assert!(
        cited.is_empty(),
        "documents outside the repository: {cited:#?}"
    );
}

#[test]
fn tags_are_found_where_they_stand_alone() {
    let found = tags("G125 and (G01), G7 no, XG12 no, G1234 no, G12_x no, `G133`.");
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["G01", "G125", "G133"]);
}
