//! The conflict clause of an upserting INSERT, from an [`crate::OnConflict`].

use plugorm_plugin_api::{
    schema::TimeTracking,
    statement::{Assignment, ColumnRef, Conflict, ConflictAction, Expr},
    types::{List, Optional, Text},
};

use super::insert_plan::Plan;
use crate::model::time_value;
use crate::{Db, Error, Model, Result};

/// The statement's conflict clause for `c`. `UpdateAll` sets every inserted column but the
/// key, the creation times and what the database generates — the update times first, to
/// now, then the others from the proposed row (GORM's order, G85).
pub(super) fn conflict_clause<T: Model>(
    db: &Db,
    c: &crate::OnConflict,
    plan: &Plan,
) -> Result<Conflict> {
    let schema = T::schema();
    let column = |name: &str| -> Result<Text> {
        schema
            .field(name)
            .map(|f| f.column.clone())
            .ok_or_else(|| Error::InvalidField {
                model: schema.name.to_string(),
                field: name.to_string(),
            })
    };
    let target: List<Text> = if c.target.is_empty() {
        schema.primary_keys().map(|f| f.column.clone()).collect()
    } else {
        c.target.iter().map(|t| column(t)).collect::<Result<_>>()?
    };
    let now = db.session.now();
    let action = match &c.action {
        crate::ConflictUpdate::DoNothing => ConflictAction::DoNothing,
        crate::ConflictUpdate::Columns(cols) => {
            ConflictAction::UpdateColumns(cols.iter().map(|c| column(c)).collect::<Result<_>>()?)
        }
        crate::ConflictUpdate::UpdateAll => {
            let mut times = Vec::new();
            let mut copied = Vec::new();
            for &i in &plan.columns {
                let f = &schema.fields[i];
                if f.primary_key || f.auto_increment || f.auto_create_time != TimeTracking::None {
                    continue;
                }
                if f.auto_update_time != TimeTracking::None {
                    times.push(Assignment {
                        column: f.column.clone(),
                        value: Expr::value(time_value(f, f.auto_update_time, now)),
                    });
                } else {
                    copied.push(Assignment {
                        column: f.column.clone(),
                        value: Expr::Column(ColumnRef {
                            table: Optional::Some("excluded".into()),
                            name: f.column.clone(),
                        }),
                    });
                }
            }
            times.extend(copied);
            if times.is_empty() {
                ConflictAction::DoNothing
            } else {
                ConflictAction::Update(times.into())
            }
        }
    };
    Ok(Conflict {
        target,
        action,
        condition: c.condition.as_deref().map(|w| Expr::raw(w, [])).into(),
    })
}
