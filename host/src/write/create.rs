//! Create: INSERT of one or many records, with keys and defaults read back; and the save
//! of a slice, which is the same INSERT upserting on the primary key.

use plugorm_plugin_api::types::List;
use plugorm_plugin_api::{
    dialect::{Capabilities, InsertIdRow},
    schema::TimeTracking,
    statement::{Insert, Statement, TableRef},
    steps::BuiltinStep,
    Processor,
};

use super::conflict::conflict_clause;
use super::insert_plan::{fill_times, plan, row_order, row_values, Plan};
use super::read_back::{
    assign_returned, backfill_from_statement, backfill_last_id, read_back_defaults,
};
use crate::model::each_hook;
use crate::{
    chain::{ChainRun, Operation, Stage},
    Db, Error, Model, Result,
};

pub(crate) async fn create_all<T: Model>(db: &Db, items: &mut [T]) -> Result<u64> {
    create_fields(db, items, &CreateFields::default()).await
}

/// How a create writes: the fields from a record's `select` / `omit` (GORM's
/// `db.Select(..).Create(..)` / `db.Omit(..).Create(..)`): with a selection, only the
/// selected fields and the automatic time fields; never the omitted ones. And whether it
/// is the save of a slice.
#[derive(Debug, Default)]
pub(crate) struct CreateFields {
    pub(crate) selects: Vec<String>,
    pub(crate) omits: Vec<String>,
    /// GORM's `Save(&slice)`: upsert on the primary key (`OnConflict::update_all()`)
    /// unless the session names another conflict, and set the update times to now on
    /// every row (`gorm:update_track_time`).
    pub(crate) saving: bool,
}

impl CreateFields {
    pub(super) fn chosen(&self, f: &plugorm_plugin_api::schema::FieldSchema) -> bool {
        let named = |list: &[String]| {
            list.iter()
                .any(|n| n == f.name.as_str() || n == f.column.as_str() || n == "*")
        };
        let auto_time =
            f.auto_create_time != TimeTracking::None || f.auto_update_time != TimeTracking::None;
        (self.selects.is_empty() || named(&self.selects) || auto_time) && !named(&self.omits)
    }
}

/// [`create_all`] writing only the fields `fields` chooses.
pub(crate) async fn create_fields<T: Model>(
    db: &Db,
    items: &mut [T],
    fields: &CreateFields,
) -> Result<u64> {
    if items.is_empty() {
        return Err(Error::EmptySlice);
    }
    crate::chain::soft_delete::guard(db, T::schema(), false)?;
    super::associations::check_filter::<T>(db)?;
    let schema = T::schema();
    let template = Insert::new(TableRef::parse(schema.table.as_str()), []);
    let mut op = CreateRecords {
        items,
        fields,
        affected: 0,
    };
    ChainRun::start(
        db,
        Processor::Create,
        Some(schema),
        Statement::Insert(template),
        false,
    )
    .drive(&mut op)
    .await?;
    Ok(op.affected)
}

/// The built-in steps of creating records: hooks, associations, the INSERTs.
struct CreateRecords<'a, T> {
    items: &'a mut [T],
    fields: &'a CreateFields,
    affected: u64,
}

impl<T: Model> Operation for CreateRecords<'_, T> {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        let (db, items) = (stage.db, &mut *self.items);
        match step {
            BuiltinStep::BeforeCreate => each_hook!(db, items, before_save, before_create),
            BuiltinStep::SaveBeforeAssociations => {
                super::associations::save_before_all(db, items).await
            }
            BuiltinStep::Create => {
                self.affected = insert(db, stage.statement, items, self.fields).await?;
                Ok(())
            }
            BuiltinStep::SaveAfterAssociations => {
                super::associations::save_after_all(db, items).await
            }
            BuiltinStep::AfterCreate => each_hook!(db, items, after_create, after_save),
            _ => Ok(()),
        }
    }

    fn rows(&self) -> u64 {
        self.affected
    }
}

async fn insert<T: Model>(
    db: &Db,
    template: &Statement,
    items: &mut [T],
    fields: &CreateFields,
) -> Result<u64> {
    fill_times(db, items, fields.saving)?;
    let schema = T::schema();
    let caps = db.dialect().capabilities();
    let plan = plan(items, fields);
    let Statement::Insert(template) = template else {
        return Err(Error::Callback(
            "a create callback replaced the INSERT statement".into(),
        ));
    };
    // The save of a slice upserts on the key unless the session says otherwise; the
    // conflict is the statement's, not the session's, so hooks do not inherit it.
    let implicit = fields.saving && db.session.on_conflict.is_none();
    let conflict = match &db.session.on_conflict {
        Some(c) => Some(c.clone()),
        None if implicit => Some(crate::OnConflict::update_all()),
        None => None,
    };
    let conflict_clause = conflict
        .as_ref()
        .map(|c| conflict_clause::<T>(db, c, &plan))
        .transpose()?;
    // Records without a key get a fresh one, which no row has: they are inserted even
    // when the statement upserts on the key. (On MySQL ON DUPLICATE KEY UPDATE also fires
    // on the other unique keys; GORM takes the same view.)
    let fresh_rows_inserted = conflict.is_none() || implicit;
    let ncols = plan.columns.len().max(1);
    let by_params = (caps.max_params as usize / ncols).max(1);
    let per_stmt = match db.session.create_batch_size {
        0 => by_params,
        n => n.min(by_params),
    };
    let returning: List<_> = if caps.returning {
        plan.returning
            .iter()
            .map(|&i| schema.fields[i].column.clone())
            .collect()
    } else {
        List::new()
    };
    let key_by_insert_id = key_by_insert_id::<T>(db, &plan, &caps, conflict.is_some());
    let mut affected = 0;
    for chunk in items.chunks_mut(per_stmt) {
        let mut ins = template.clone();
        ins.columns = plan
            .columns
            .iter()
            .map(|&i| schema.fields[i].column.clone())
            .collect();
        ins.returning = if key_by_insert_id && chunk.len() == 1 {
            List::new()
        } else {
            returning.clone()
        };
        let read_back = !ins.returning.is_empty();
        let order = row_order(chunk, &plan, !read_back, caps.insert_id_row);
        ins.rows = order
            .iter()
            .map(|&n| row_values(&chunk[n], &plan))
            .collect::<Result<_>>()?;
        ins.on_conflict = conflict_clause.clone().into();
        let stmt = Statement::Insert(ins);
        // The statement pass runs here, not inside `execute_statement`, so that a key a
        // plugin wrote into the rows (a sharder's generated id) reaches the records.
        let passed = db.statement_pass(&stmt, read_back)?;
        let (db, stmt) = match &passed {
            Some((db, stmt)) => {
                backfill_from_statement(chunk, &order, &plan, stmt)?;
                (db, stmt)
            }
            None => (db, &stmt),
        };
        let Statement::Insert(sent) = stmt else {
            return Err(Error::Callback(
                "a statement callback replaced the INSERT statement".into(),
            ));
        };
        if !read_back {
            let r = db.execute_here(stmt).await?;
            affected += r.rows_affected;
            // An upsert that updated (or kept) some rows generated fewer keys than rows:
            // which row got which key is unknown, so none is assigned.
            let all_inserted = r.rows_affected == chunk.len() as u64;
            if fresh_rows_inserted || all_inserted {
                let first = caps.insert_id_row == InsertIdRow::First;
                let reported = r.last_insert_id.into_option();
                backfill_last_id(chunk, &order, &plan, reported, first)?;
                read_back_defaults(db, &sent.table, chunk, &plan).await?;
            }
        } else {
            let rows = db.query_here(stmt).await?;
            affected += if db.session.dry_run {
                0
            } else {
                rows.len() as u64
            };
            assign_returned(chunk, &order, &plan, &rows)?;
        }
    }
    Ok(affected)
}

/// True when a one-row INSERT's generated key is the driver's insert id, exactly
/// ([`plugorm_plugin_api::Capabilities::insert_id_exact`]), so the key needs no
/// `RETURNING`. Reading it back with `RETURNING` instead costs SQLite about 3 µs more per
/// INSERT (an ephemeral table per statement), as much as the INSERT itself inside a
/// transaction. Only the key may be wanted back (a database default still needs
/// `RETURNING`), and no upsert (a row that was updated has no new key). The multi-row
/// INSERTs of a batch keep `RETURNING`: SQLite does not promise consecutive rowids within
/// one statement.
///
/// A dry run (and so `to_sql`) still renders the statement GORM sends, with `RETURNING`
/// (golden SQL G72): the row, the key and the values are the same either way.
fn key_by_insert_id<T: Model>(db: &Db, plan: &Plan, caps: &Capabilities, upsert: bool) -> bool {
    let key = match plan.returning.as_slice() {
        [only] => &T::schema().fields[*only],
        _ => return false,
    };
    caps.insert_id_exact && key.auto_increment && key.primary_key && !upsert && !db.session.dry_run
}
