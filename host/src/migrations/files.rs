//! Reading a folder of migration files: `<version>_<name>.up.sql` runs forward,
//! `<version>_<name>.down.sql` (optional: without it the migration is irreversible)
//! rolls it back. Other files (a README, dotfiles) are skipped only when they do not end
//! in `.sql`; a `.sql` file with any other name is refused, so a typo never silently
//! drops a migration.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use super::{Migration, MigrationError};

/// One parsed file name.
struct FileName {
    version: i64,
    name: String,
    up: bool,
}

/// Parses `<version>_<name>.up.sql` / `.down.sql`; `Ok(None)` for a file that is not SQL.
fn parse(file: &Path) -> Result<Option<FileName>, MigrationError> {
    let bad = |reason: &str| MigrationError::BadName {
        file: file.to_path_buf(),
        reason: reason.to_string(),
    };
    let Some(base) = file.file_name().and_then(|n| n.to_str()) else {
        return Err(bad("the name is not UTF-8"));
    };
    let Some(stem) = base.strip_suffix(".sql") else {
        return Ok(None);
    };
    let (stem, up) = if let Some(s) = stem.strip_suffix(".up") {
        (s, true)
    } else if let Some(s) = stem.strip_suffix(".down") {
        (s, false)
    } else {
        return Err(bad("it ends in neither `.up.sql` nor `.down.sql`"));
    };
    let Some((digits, name)) = stem.split_once('_') else {
        return Err(bad("no `_` between the version and the name"));
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(&format!(
            "the version `{digits}` is not a positive integer"
        )));
    }
    let version = match digits.parse::<i64>() {
        Ok(v) if v > 0 => v,
        _ => {
            return Err(bad(&format!(
                "the version `{digits}` is not a positive integer"
            )))
        }
    };
    if name.is_empty() {
        return Err(bad("the name after the version is empty"));
    }
    Ok(Some(FileName {
        version,
        name: name.to_string(),
        up,
    }))
}

fn read_text(file: &Path) -> Result<String, MigrationError> {
    std::fs::read_to_string(file).map_err(|e| MigrationError::File {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The up and down files of one version.
#[derive(Default)]
struct Pair {
    up: Option<(PathBuf, String)>,
    down: Option<PathBuf>,
}

/// Every migration of `dir`, by ascending version.
pub(super) fn read_dir(dir: &Path) -> Result<Vec<Migration>, MigrationError> {
    let dir_err = |e: std::io::Error| MigrationError::Dir {
        dir: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(dir_err)? {
        let path = entry.map_err(dir_err)?.path();
        if path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut pairs: BTreeMap<i64, Pair> = BTreeMap::new();
    for path in paths {
        let Some(parsed) = parse(&path)? else {
            continue;
        };
        let pair = pairs.entry(parsed.version).or_default();
        let taken = if parsed.up {
            pair.up.as_ref().map(|(p, _)| p.clone())
        } else {
            pair.down.clone()
        };
        if let Some(first) = taken {
            return Err(MigrationError::DuplicateVersion {
                version: parsed.version,
                first: first.display().to_string(),
                second: path.display().to_string(),
            });
        }
        if parsed.up {
            pair.up = Some((path, parsed.name));
        } else {
            pair.down = Some(path);
        }
    }
    let mut out = Vec::with_capacity(pairs.len());
    for (version, pair) in pairs {
        let Some((up_path, name)) = pair.up else {
            let file = pair.down.unwrap_or_default();
            return Err(MigrationError::DownWithoutUp { file, version });
        };
        let down = match &pair.down {
            Some(p) => Some(read_text(p)?),
            None => None,
        };
        let up = read_text(&up_path)?;
        out.push(
            Migration::sql(version, &name, &up, down.as_deref())
                .with_origin(up_path.display().to_string()),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Result<Option<FileName>, MigrationError> {
        parse(Path::new(s))
    }

    #[test]
    fn names_parse_or_are_refused_naming_the_file() {
        let f = name("20240101_create_users.up.sql").unwrap().unwrap();
        assert_eq!(
            (f.version, f.name.as_str(), f.up),
            (20240101, "create_users", true)
        );
        assert!(!name("2_x.down.sql").unwrap().unwrap().up);
        assert!(name("README.md").unwrap().is_none());
        for bad in [
            "x_users.up.sql",
            "0_zero.up.sql",
            "3.up.sql",
            "4_.up.sql",
            "5_a.sql",
            "-1_a.up.sql",
        ] {
            let e = name(bad).err().unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(e.to_string().contains(bad), "{e}");
        }
    }
}
