//! What a write does with its model's associations — which ones it saves
//! ([`SaveFilter`]: checking the names, reading the filter) and handing each saved or
//! deleted relation to its typed code (`rel.ops`, see `association::typed`) at the
//! chain's association steps.

use std::sync::Arc;

use crate::{
    relation::{naming_fold, RelationKind},
    session::SaveFilter,
    Db, Model, OnConflict, Result,
};

/// `"Pets.Toys"` → (`"Pets"`, `Some("Toys")`).
fn split(entry: &str) -> (&str, Option<&str>) {
    match entry.split_once('.') {
        Some((head, rest)) => (head.trim(), Some(rest.trim())),
        None => (entry.trim(), None),
    }
}

/// What needs the relations of a model: checking the names, and reading the filter.
impl SaveFilter {
    /// Checks every name against the relations of `M` — a dotted name level by level,
    /// against the related model's relations — so a typo is an error rather than an
    /// association silently saved (or not). `"*"` alone stands for every relation. Every
    /// write that uses the filter (`create`, `save`, `updates`, a record's `delete`) runs
    /// this first and writes nothing when it fails.
    ///
    /// ```
    /// use plugorm::{association::SaveFilter, relation::RelationError, Error, Model};
    /// #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64 }
    /// #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
    /// assert!(SaveFilter::select(&["Pets", "*"]).check::<User>().is_ok());
    /// let e = SaveFilter::omit(&["Petz"]).check::<User>().unwrap_err();
    /// assert!(matches!(e, Error::Relation(RelationError::Unknown { ref name, .. }) if name == "Petz"));
    /// let e = SaveFilter::omit(&["Pets.Toys"]).check::<User>().unwrap_err();
    /// assert!(matches!(e, Error::Relation(RelationError::Unknown { ref model, .. }) if model == "Pet"));
    /// ```
    pub fn check<M: Model>(&self) -> Result<()> {
        for entry in self.select.iter().flatten().chain(&self.omit) {
            let (head, rest) = split(entry);
            if head == "*" && rest.is_none() {
                continue;
            }
            let rel = crate::relation::find::<M>(head)?;
            if let Some(rest) = rest {
                rel.ops.check_filter(&SaveFilter::omit(&[rest]))?;
            }
        }
        Ok(())
    }

    /// Whether relation `name` is saved.
    pub fn saves(&self, name: &str) -> bool {
        let same = |n: &str| n == "*" || naming_fold(n) == naming_fold(name);
        if self.omit.iter().any(|n| split(n).1.is_none() && same(n)) {
            return false;
        }
        self.select
            .as_ref()
            .is_none_or(|s| s.iter().any(|n| same(split(n).0)))
    }

    /// The filter for the associations of relation `name`'s records: the dotted entries
    /// under it, or `None` (all of them) when there are none.
    pub fn below(&self, name: &str) -> Option<SaveFilter> {
        let under = |list: &[String]| -> Vec<String> {
            list.iter()
                .filter_map(|n| match split(n) {
                    (head, Some(rest)) if naming_fold(head) == naming_fold(name) => {
                        Some(rest.to_string())
                    }
                    _ => None,
                })
                .collect()
        };
        let select = self
            .select
            .as_ref()
            .map(|s| under(s))
            .filter(|s| !s.is_empty());
        let omit = under(&self.omit);
        (select.is_some() || !omit.is_empty()).then_some(SaveFilter { select, omit })
    }
}

/// The handle nested saves run on: the same transaction, without the caller's conflict
/// clause (it applies to the top-level records); the association filter is the caller's
/// (see [`below`]).
pub(crate) fn nested(db: &Db, conflict: Option<OnConflict>) -> Db {
    db.with_session(|s| {
        s.on_conflict = conflict;
    })
}

/// The handle the records of relation `name` are saved on: the association filter narrowed
/// to what lies below it.
pub(crate) fn below(db: &Db, name: &str) -> Db {
    let inner = db
        .session
        .associations
        .as_ref()
        .and_then(|f| f.below(name))
        .map(Arc::new);
    db.with_session(|s| s.associations = inner)
}

/// Saves every saved relation of `items` that must exist before them.
pub(crate) async fn save_before_all<M: Model>(db: &Db, items: &mut [M]) -> Result<()> {
    for rel in M::relations() {
        if !saves(db, rel.name()) {
            continue;
        }
        let r = rel.resolved()?;
        if r.kind == RelationKind::BelongsTo {
            rel.ops.save_before(db, items, r).await?;
        }
    }
    Ok(())
}

/// Saves every saved relation of `items` that points at them.
pub(crate) async fn save_after_all<M: Model>(db: &Db, items: &mut [M]) -> Result<()> {
    for rel in M::relations() {
        if !saves(db, rel.name()) {
            continue;
        }
        let r = rel.resolved()?;
        if r.kind != RelationKind::BelongsTo {
            rel.ops.save_after(db, items, r).await?;
        }
    }
    Ok(())
}

/// Checks the session's association filter, if any, against the relations of `M`
/// ([`SaveFilter::check`]); every write that uses the filter calls this first.
pub(crate) fn check_filter<M: Model>(db: &Db) -> Result<()> {
    match &db.session.associations {
        Some(f) => f.check::<M>(),
        None => Ok(()),
    }
}

fn saves(db: &Db, name: &str) -> bool {
    db.session
        .associations
        .as_ref()
        .is_none_or(|f: &Arc<SaveFilter>| f.saves(name))
}

/// Deletes the selected has-* records and join rows of `owners`.
pub(crate) async fn delete_before_all<M: Model>(
    db: &Db,
    owners: &mut [M],
    unscoped: bool,
) -> Result<()> {
    let Some(filter) = db.session.associations.clone() else {
        return Ok(());
    };
    if filter.select.is_none() {
        return Ok(());
    }
    for rel in M::relations() {
        if !filter.saves(rel.name()) {
            continue;
        }
        let r = rel.resolved()?;
        if r.kind != RelationKind::BelongsTo {
            rel.ops.delete_owned(db, owners, r, unscoped).await?;
        }
    }
    Ok(())
}
