//! The top-level modules of `host/src` form a layered graph: no module reaches, through
//! `crate::` paths, a module that reaches back to it. A cycle makes a reader go back and
//! forth between folders to follow one operation; this test names it when one appears.
//!
//! An edge `b → a` is any `crate::a…` path in code of module `b` (comments are skipped);
//! a name the crate root re-exports (`crate::Db`) counts as the module it comes from
//! (`db`), as `lib.rs`'s `pub use` lines say.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// Module → the modules its code names.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The code of a file with its comments removed (line comments and doc comments; block
/// comments are not used in this crate's sources).
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        // A trailing comment: cut at `//` that is not inside a string literal.
        let mut in_str = false;
        let mut prev = '\0';
        let mut end = line.len();
        for (i, c) in line.char_indices() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            }
            if !in_str && c == '/' && prev == '/' {
                end = i - 1;
                break;
            }
            prev = c;
        }
        out.push_str(&line[..end]);
        out.push('\n');
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first path segment of every item a `crate::` path names: `crate::a::b` gives
/// `a`; `crate::{a::x, B, c}` gives `a`, `B`, `c`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let mut start = 0;
            let mut items = Vec::new();
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            items.push(&group[start..i]);
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        items.push(&group[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            out.extend(
                items
                    .into_iter()
                    .map(|item| ident_at(item.trim()).to_string()),
            );
        } else {
            out.push(ident_at(after).to_string());
        }
        rest = after;
    }
    out.retain(|s| !s.is_empty() && s != "self");
    out
}

/// Root re-exports: `pub use module::{A, B};` / `pub use module::A;` in `lib.rs`.
fn root_names(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let code = code_of(lib);
    let mut names = BTreeMap::new();
    for stmt in code.split(';') {
        let Some(at) = stmt.find("pub use ") else {
            continue;
        };
        let path = stmt[at + "pub use ".len()..].trim();
        let module = ident_at(path);
        if !modules.contains(module) {
            continue;
        }
        let tail = &path[module.len()..];
        let tail = tail.trim_start_matches("::");
        let inner = tail.trim_start_matches('{').trim_end_matches('}');
        for item in inner.split(',') {
            let last = item.trim().rsplit("::").next().unwrap_or("");
            let name = match last.split_once(" as ") {
                Some((_, alias)) => alias.trim(),
                None => last.trim(),
            };
            if !name.is_empty() {
                names.insert(name.to_string(), module.to_string());
            }
        }
    }
    names
}

/// The graph of a crate's sources: `files` maps each path (relative to `src`, with `/`)
/// to its text.
fn graph_of(files: &BTreeMap<String, String>) -> Graph {
    let module_of = |path: &str| -> Option<String> {
        let first = path.split('/').next()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (name != "lib" && name != "main" && name != "bin").then(|| name.to_string())
    };
    let modules: BTreeSet<String> = files.keys().filter_map(|p| module_of(p)).collect();
    let roots = files
        .get("lib.rs")
        .map(|lib| root_names(lib, &modules))
        .unwrap_or_default();
    let mut graph = Graph::new();
    for (path, text) in files {
        let Some(from) = module_of(path) else {
            continue;
        };
        let edges = graph.entry(from.clone()).or_default();
        for name in crate_paths(&code_of(text)) {
            let to = if modules.contains(&name) {
                Some(name)
            } else {
                roots.get(&name).cloned()
            };
            if let Some(to) = to.filter(|to| *to != from) {
                edges.insert(to);
            }
        }
    }
    graph
}

/// One cycle of the graph, as the modules along it (first repeated at the end).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let at = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, marks, stack) {
                return Some(c);
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn read_sources(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_sources(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.insert(rel, fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

#[test]
fn host_modules_have_no_import_cycle() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    read_sources(&src, &src, &mut files);
    assert!(files.contains_key("lib.rs"), "no sources under {src:?}");
    let graph = graph_of(&files);
    assert!(graph.len() > 10, "too few modules found: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle between top-level modules of host/src: {}\n(edges: {graph:#?})",
            cycle.join(" → ")
        );
    }
}

fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_cycle_through_a_root_reexport_is_found() {
    let src = files(&[
        ("lib.rs", "mod db;\nmod query;\npub use db::{Db, Tx};\n"),
        ("db.rs", "pub struct Db;\n"),
        ("query/mod.rs", "use crate::Db;\n"),
        (
            "db/extra.rs",
            "// crate::nothing here\nuse crate::{args::X, query::{Query, Other}};\n",
        ),
        ("args.rs", ""),
    ]);
    let graph = graph_of(&src);
    assert_eq!(
        graph["db"],
        BTreeSet::from(["args".to_string(), "query".to_string()])
    );
    let cycle = find_cycle(&graph).expect("db → query → db is a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.contains(&"db".to_string()) && cycle.contains(&"query".to_string()));
}

#[test]
fn a_layered_graph_has_no_cycle_and_comments_do_not_count() {
    let src = files(&[
        ("lib.rs", "mod db;\nmod query;\n"),
        (
            "db.rs",
            "/// See [`crate::query::Query`].\nfn f() {} // crate::query\n",
        ),
        ("query/mod.rs", "fn g() { crate::db::h() }\n"),
    ]);
    let graph = graph_of(&src);
    assert!(graph["db"].is_empty());
    assert_eq!(find_cycle(&graph), None);
}
