//! The SET of a record's update, and where the automatic update time goes in it.
//!
//! GORM builds it two ways (`ConvertToAssignments`): from a struct (`Save`,
//! `Updates(&user)`, `Select(..).Updates(..)`) the written fields go in schema order, the
//! update time among them at its own place, set to now — first after `gorm.Model`'s key,
//! so `UPDATE users SET updated_at=?,name=?,age=?` (G95); from named columns
//! (`Update("name", x)`, `Updates(map)`) the columns as given, the update time last
//! (`SET name=?,updated_at=?`, G91 / G94).

use plugorm_plugin_api::{
    schema::TimeTracking,
    statement::{Assignment, Expr},
};

use super::{Change, Record};
use crate::model::{set_value, time_value, touch_updated};
use crate::{Db, Model, Result};

impl<T: Model> Record<'_, T> {
    /// The SET of `change`, with the update time unless hooks are skipped; the times it
    /// sets are written into the record.
    pub(super) fn assignments(&mut self, db: &Db, change: &Change) -> Result<Vec<Assignment>> {
        match change {
            Change::Set(list) => self.named_columns(db, list),
            _ => self.fields_in_order(db, change),
        }
    }

    fn named_columns(&mut self, db: &Db, list: &[(usize, Expr)]) -> Result<Vec<Assignment>> {
        let schema = T::schema();
        let mut set: Vec<Assignment> = list
            .iter()
            .map(|(i, e)| Assignment {
                column: schema.fields[*i].column.clone(),
                value: e.clone(),
            })
            .collect();
        if !db.session.skip_hooks {
            let before = set.len();
            touch_updated::<T>(db, &mut set);
            for a in set.iter().skip(before) {
                if let (Some(i), Expr::Value(v)) = (schema.field_index(a.column.as_str()), &a.value)
                {
                    if let Ok(v) = plugorm_plugin_api::value::from_ffi(v) {
                        set_value(&mut *self.item, i, v)?;
                    }
                }
            }
        }
        Ok(set)
    }

    /// A struct-shaped change: the written fields in schema order; an update-time field
    /// takes now at its place, selected or not, unless omitted.
    fn fields_in_order(&mut self, db: &Db, change: &Change) -> Result<Vec<Assignment>> {
        let written = self.indexes_written(change);
        let touch = !db.session.skip_hooks;
        let now = db.session.now();
        let mut set = Vec::with_capacity(written.len() + 1);
        for (i, f) in T::schema().fields.iter().enumerate() {
            let value = if touch
                && f.auto_update_time != TimeTracking::None
                && f.updatable
                && !self.omitted(i)
            {
                let v = time_value(f, f.auto_update_time, now);
                set_value(&mut *self.item, i, &v)?;
                v
            } else if written.contains(&i) {
                self.item.try_value_at(i)?
            } else {
                continue;
            };
            set.push(Assignment {
                column: f.column.clone(),
                value: Expr::value(value),
            });
        }
        Ok(set)
    }
}
