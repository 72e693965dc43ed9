//! Transaction control in T-SQL, for the driver.
//!
//! The driver kit writes standard SQL's commands (`BEGIN`, `SAVEPOINT x`,
//! `ROLLBACK TO SAVEPOINT x`, `RELEASE SAVEPOINT x`, with the name quoted by
//! `Driver::quote_savepoint`); SQL Server spells them as GORM's sqlserver driver does
//! (G124): `BEGIN TRANSACTION`, `SAVE TRANSACTION x`, `ROLLBACK TRANSACTION x`, and has no
//! release (a savepoint lives until its transaction ends). The driver's `Driver` uses
//! [`BEGIN_SQL`] and [`quote_savepoint`], and its `DriverConnection::control` runs
//! [`control_text`] of the kit's command (nothing for a release).

use std::borrow::Cow;

/// The statement that starts a transaction (`BEGIN` alone opens a T-SQL block).
pub(crate) const BEGIN_SQL: &str = "BEGIN TRANSACTION";

/// The longest savepoint name SQL Server keeps.
const MAX_NAME: usize = 32;

/// A savepoint name as `SAVE TRANSACTION` takes it: as is when it is a regular identifier
/// (`sp123`, GORM's names), else bracket-quoted.
pub(crate) fn quote_savepoint(name: &str) -> String {
    let regular = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= MAX_NAME;
    if regular {
        name.to_string()
    } else {
        format!("[{}]", name.replace(']', "]]"))
    }
}

/// The T-SQL of one of the kit's control commands: `SAVEPOINT x` → `SAVE TRANSACTION x`,
/// `ROLLBACK TO SAVEPOINT x` → `ROLLBACK TRANSACTION x`, `BEGIN` → `BEGIN TRANSACTION`,
/// `RELEASE SAVEPOINT x` → `None` (nothing to run); anything else unchanged.
pub(crate) fn control_text(command: &str) -> Option<Cow<'_, str>> {
    let c = command.trim();
    if let Some(name) = c.strip_prefix("ROLLBACK TO SAVEPOINT ") {
        return Some(format!("ROLLBACK TRANSACTION {}", name.trim()).into());
    }
    if let Some(name) = c.strip_prefix("SAVEPOINT ") {
        return Some(format!("SAVE TRANSACTION {}", name.trim()).into());
    }
    if c.starts_with("RELEASE SAVEPOINT ") {
        return None;
    }
    if c.eq_ignore_ascii_case("BEGIN") {
        return Some(BEGIN_SQL.into());
    }
    Some(command.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// G124: `SAVE TRANSACTION sp123` / `ROLLBACK TRANSACTION sp123`.
    #[test]
    fn gorm_savepoint_statements() {
        let sp = quote_savepoint("sp4718094880858836810");
        assert_eq!(sp, "sp4718094880858836810");
        assert_eq!(
            control_text(&format!("SAVEPOINT {sp}")).as_deref(),
            Some("SAVE TRANSACTION sp4718094880858836810")
        );
        assert_eq!(
            control_text("ROLLBACK TO SAVEPOINT sp1").as_deref(),
            Some("ROLLBACK TRANSACTION sp1")
        );
        assert_eq!(control_text("RELEASE SAVEPOINT sp1"), None);
        assert_eq!(control_text("BEGIN").as_deref(), Some("BEGIN TRANSACTION"));
        assert_eq!(control_text("COMMIT").as_deref(), Some("COMMIT"));
    }

    #[test]
    fn other_names_are_bracketed() {
        assert_eq!(quote_savepoint("my point"), "[my point]");
        assert_eq!(quote_savepoint("1st"), "[1st]");
        assert_eq!(quote_savepoint("a]b"), "[a]]b]");
        assert_eq!(
            quote_savepoint(&"s".repeat(40)),
            format!("[{}]", "s".repeat(40))
        );
    }
}
