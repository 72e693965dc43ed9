//! GORM's callback ordering (`callbacks.go` `sortCallbacks`), reproduced with its quirks:
//! removes drop every entry of a name, `*` entries sort behind the others, `before` /
//! `after` place a name relative to another, the last entry of a name provides its handler
//! (so a replace keeps the original position).

use super::Entry;

/// Why a chain could not be ordered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("conflicting callback `{name}` with {relation} `{other}`")]
pub struct SortError {
    pub name: String,
    pub relation: &'static str,
    pub other: String,
}

/// The ordered names and, for each, the index of the entry whose handler runs.
pub(crate) fn sort(entries: &[Entry]) -> Result<Vec<(String, usize)>, SortError> {
    let removed: Vec<&str> = entries
        .iter()
        .filter(|e| e.remove)
        .map(|e| e.name.as_str())
        .collect();
    let mut live: Vec<(usize, Entry)> = entries
        .iter()
        .cloned()
        .enumerate()
        .filter(|(_, e)| !removed.contains(&e.name.as_str()))
        .collect();
    live.sort_by_key(|(_, e)| e.before.as_deref() == Some("*") || e.after.as_deref() == Some("*"));
    let names: Vec<String> = live.iter().map(|(_, e)| e.name.clone()).collect();
    let mut sorted: Vec<String> = Vec::new();
    for i in 0..live.len() {
        sort_one(&mut live, &names, &mut sorted, i, 0)?;
    }
    Ok(sorted
        .into_iter()
        .filter_map(|name| {
            let last = live.iter().rev().find(|(_, e)| e.name == name)?;
            Some((name, last.0))
        })
        .collect())
}

fn position(list: &[String], name: &str) -> Option<usize> {
    list.iter().rposition(|n| n == name)
}

fn sort_one(
    live: &mut [(usize, Entry)],
    names: &[String],
    sorted: &mut Vec<String>,
    i: usize,
    depth: usize,
) -> Result<(), SortError> {
    if depth > live.len() + 1 {
        return Ok(()); // a before/after cycle: leave the rest in registration order
    }
    let name = live[i].1.name.clone();
    if let Some(before) = live[i].1.before.clone() {
        if before == "*" && !sorted.is_empty() {
            if position(sorted, &name).is_none() {
                sorted.insert(0, name.clone());
            }
        } else if let Some(idx) = position(sorted, &before) {
            match position(sorted, &name) {
                None => sorted.insert(idx, name.clone()),
                Some(cur) if cur > idx => {
                    return Err(SortError {
                        name,
                        relation: "before",
                        other: before,
                    })
                }
                Some(_) => {}
            }
        } else if let Some(idx) = position(names, &before) {
            live[idx].1.after = Some(name.clone());
        }
    }
    if let Some(after) = live[i].1.after.clone() {
        if after == "*" && !sorted.is_empty() {
            if position(sorted, &name).is_none() {
                sorted.push(name.clone());
            }
        } else if let Some(idx) = position(sorted, &after) {
            match position(sorted, &name) {
                None => sorted.push(name.clone()),
                Some(cur) if cur < idx => {
                    return Err(SortError {
                        name,
                        relation: "after",
                        other: after,
                    })
                }
                Some(_) => {}
            }
        } else if let Some(idx) = position(names, &after) {
            if live[idx].1.before.is_none() {
                live[idx].1.before = Some(name.clone());
            }
            sort_one(live, names, sorted, idx, depth + 1)?;
            sort_one(live, names, sorted, i, depth + 1)?;
        }
    }
    if position(sorted, &name).is_none() {
        sorted.push(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{sort, Entry};
    use crate::callbacks::Handler;

    fn e(name: &str) -> Entry {
        Entry::new(name.to_string(), Handler::Builtin)
    }
    fn before(name: &str, x: &str) -> Entry {
        Entry {
            before: Some(x.into()),
            ..e(name)
        }
    }
    fn after(name: &str, x: &str) -> Entry {
        Entry {
            after: Some(x.into()),
            ..e(name)
        }
    }
    fn names(entries: &[Entry]) -> Vec<String> {
        sort(entries).unwrap().into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn registration_order_without_constraints() {
        assert_eq!(names(&[e("c1"), e("c2"), e("c3")]), ["c1", "c2", "c3"]);
    }

    #[test]
    fn before_and_after_a_name() {
        let chain = [e("c1"), e("c2"), e("c3"), e("c4"), before("c5", "c4")];
        assert_eq!(names(&chain), ["c1", "c2", "c3", "c5", "c4"]);
        // `after` a name registered later pulls that name forward.
        let chain = [e("c1"), e("c2"), e("c3"), after("c4", "c5"), e("c5")];
        assert_eq!(names(&chain), ["c1", "c2", "c3", "c5", "c4"]);
        let chain = [e("c1"), before("c2", "c1")];
        assert_eq!(names(&chain), ["c2", "c1"]);
    }

    #[test]
    fn stars_go_first_or_last_once_something_is_sorted() {
        assert_eq!(
            names(&[after("c1", "*"), e("c2"), e("c3")]),
            ["c2", "c3", "c1"]
        );
        assert_eq!(
            names(&[e("c1"), e("c2"), before("c3", "*")]),
            ["c3", "c1", "c2"]
        );
        // On an empty chain `*` has no special effect.
        assert_eq!(names(&[before("c1", "*")]), ["c1"]);
    }

    #[test]
    fn remove_drops_every_entry_of_the_name() {
        let removal = Entry {
            remove: true,
            ..e("c2")
        };
        assert_eq!(names(&[e("c1"), e("c2"), e("c3"), removal]), ["c1", "c3"]);
    }

    #[test]
    fn the_last_entry_of_a_name_provides_the_handler_in_place() {
        let replacement = Entry {
            replace: true,
            ..e("c1")
        };
        let order = sort(&[e("c1"), e("c2"), replacement]).unwrap();
        assert_eq!(order, [("c1".to_string(), 2), ("c2".to_string(), 1)]);
    }

    #[test]
    fn contradictions_are_errors() {
        let chain = [e("c1"), e("c2"), before("c1", "c2")];
        // c1 is sorted first, then asked to come before c2 — fine; the reverse is not.
        assert!(sort(&chain).is_ok());
        let chain = [e("c1"), e("c2"), after("c2", "c1"), before("c2", "c1")];
        let err = sort(&chain).unwrap_err();
        assert_eq!(
            err.to_string(),
            "conflicting callback `c2` with before `c1`"
        );
    }
}
