//! Create: INSERT of one or many records, with keys and defaults read back.

use plugorm_plugin_api::types::List;
use plugorm_plugin_api::{
    dialect::{Capabilities, InsertIdRow},
    schema::TimeTracking,
    statement::{Expr, Insert, Select, Statement, TableRef},
    steps::BuiltinStep,
    Processor, Rows, Value,
};

use crate::model::{each_hook, set_value, time_value};
use crate::{
    chain::{ChainRun, Operation, Stage},
    decode, Db, Error, Model, Result,
};

pub(crate) async fn create_all<T: Model>(db: &Db, items: &mut [T]) -> Result<u64> {
    create_fields(db, items, &CreateFields::default()).await
}

/// The fields a create writes, from a record's `select` / `omit` (GORM's
/// `db.Select(..).Create(..)` / `db.Omit(..).Create(..)`): with a selection, only the
/// selected fields and the automatic time fields; never the omitted ones.
#[derive(Debug, Default)]
pub(crate) struct CreateFields {
    pub(crate) selects: Vec<String>,
    pub(crate) omits: Vec<String>,
}

impl CreateFields {
    fn chosen(&self, f: &plugorm_plugin_api::schema::FieldSchema) -> bool {
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
}

/// Which fields an INSERT writes and which it reads back.
struct Plan {
    /// Field indexes written, in schema order.
    columns: Vec<usize>,
    /// Field indexes read back (generated key, database defaults).
    returning: Vec<usize>,
}

fn plan<T: Model>(items: &[T], fields: &CreateFields) -> Plan {
    let mut columns = Vec::new();
    let mut returning = Vec::new();
    for (i, f) in T::schema().fields.iter().enumerate() {
        if !f.creatable || !fields.chosen(f) {
            if f.readable && (f.default.is_some() || f.auto_increment) {
                returning.push(i);
            }
            continue;
        }
        let db_assigned = f.auto_increment || f.default.is_some();
        let any_set = items.iter().any(|it| !it.is_zero_at(i));
        if db_assigned && !any_set {
            if f.readable {
                returning.push(i);
            }
        } else {
            columns.push(i);
        }
    }
    Plan { columns, returning }
}

/// Fills zero time-tracking fields with now, as GORM does before building VALUES.
fn fill_times<T: Model>(db: &Db, items: &mut [T]) -> Result<()> {
    let now = db.session.now();
    for (i, f) in T::schema().fields.iter().enumerate() {
        let tracking = if f.auto_create_time != TimeTracking::None {
            f.auto_create_time
        } else {
            f.auto_update_time
        };
        if tracking == TimeTracking::None {
            continue;
        }
        let v = time_value(f, tracking, now);
        for item in items.iter_mut() {
            if item.is_zero_at(i) {
                set_value(item, i, &v)?;
            }
        }
    }
    Ok(())
}

async fn insert<T: Model>(
    db: &Db,
    template: &Statement,
    items: &mut [T],
    fields: &CreateFields,
) -> Result<u64> {
    fill_times(db, items)?;
    let schema = T::schema();
    let caps = db.dialect().capabilities();
    let plan = plan(items, fields);
    let Statement::Insert(template) = template else {
        return Err(Error::Callback(
            "a create callback replaced the INSERT statement".into(),
        ));
    };
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
    let key_by_insert_id = key_by_insert_id::<T>(db, &plan, &caps);
    let mut affected = 0;
    for chunk in items.chunks_mut(per_stmt) {
        let mut ins = template.clone();
        ins.columns = plan
            .columns
            .iter()
            .map(|&i| schema.fields[i].column.clone())
            .collect();
        ins.rows = chunk
            .iter()
            .map(|item| {
                plan.columns
                    .iter()
                    .map(|&i| {
                        let f = &schema.fields[i];
                        match (&f.default, item.is_zero_at(i)) {
                            // Another row set this column; this one takes the default.
                            (plugorm_plugin_api::types::Optional::Some(d), true) => {
                                Expr::raw(d.as_str(), [])
                            }
                            _ => Expr::value(item.value_at(i)),
                        }
                    })
                    .collect()
            })
            .collect();
        ins.returning = if key_by_insert_id && chunk.len() == 1 {
            List::new()
        } else {
            returning.clone()
        };
        if let Some(c) = &db.session.on_conflict {
            ins.on_conflict = Some(conflict_clause::<T>(db, c, &plan)?).into();
        }
        let read_back = !ins.returning.is_empty();
        let stmt = Statement::Insert(ins);
        if !read_back {
            let r = db.execute_statement(&stmt).await?;
            affected += r.rows_affected;
            // An upsert that updated (or kept) some rows generated fewer keys than rows:
            // which row got which key is unknown, so none is assigned.
            let all_inserted = r.rows_affected == chunk.len() as u64;
            if db.session.on_conflict.is_none() || all_inserted {
                let first = caps.insert_id_row == InsertIdRow::First;
                backfill_last_id(chunk, &plan, r.last_insert_id.into_option(), first)?;
                read_back_defaults(db, &template.table, chunk, &plan).await?;
            }
        } else {
            let rows = db.query_statement(&stmt).await?;
            affected += if db.session.dry_run {
                0
            } else {
                rows.len() as u64
            };
            assign_returned(chunk, &plan, &rows)?;
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
fn key_by_insert_id<T: Model>(db: &Db, plan: &Plan, caps: &Capabilities) -> bool {
    let key = match plan.returning.as_slice() {
        [only] => &T::schema().fields[*only],
        _ => return false,
    };
    caps.insert_id_exact
        && key.auto_increment
        && key.primary_key
        && db.session.on_conflict.is_none()
        && !db.session.dry_run
}

/// The statement's conflict clause for an [`crate::OnConflict`].
fn conflict_clause<T: Model>(
    db: &Db,
    c: &crate::OnConflict,
    plan: &Plan,
) -> Result<plugorm_plugin_api::statement::Conflict> {
    use plugorm_plugin_api::statement::{Assignment, Conflict, ConflictAction};
    use plugorm_plugin_api::types::Text;
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
            let mut set = Vec::new();
            for &i in &plan.columns {
                let f = &schema.fields[i];
                if f.primary_key || f.auto_create_time != TimeTracking::None {
                    continue;
                }
                let value = if f.auto_update_time != TimeTracking::None {
                    Expr::value(time_value(f, f.auto_update_time, now))
                } else {
                    Expr::Column(plugorm_plugin_api::statement::ColumnRef {
                        table: plugorm_plugin_api::types::Optional::Some("excluded".into()),
                        name: f.column.clone(),
                    })
                };
                set.push(Assignment {
                    column: f.column.clone(),
                    value,
                });
            }
            if set.is_empty() {
                ConflictAction::DoNothing
            } else {
                ConflictAction::Update(set.into())
            }
        }
    };
    Ok(Conflict {
        target,
        action,
        condition: c.condition.as_deref().map(|w| Expr::raw(w, [])).into(),
    })
}

fn assign_returned<T: Model>(chunk: &mut [T], plan: &Plan, rows: &Rows) -> Result<()> {
    if rows.len() != chunk.len() {
        // ON CONFLICT DO NOTHING returns only the inserted rows: which input each belongs
        // to is unknown, so nothing is assigned rather than something wrong.
        return Ok(());
    }
    let full = decode::column_map::<T>(rows);
    let map: Vec<Option<usize>> = full
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if plan.returning.contains(&i) {
                *c
            } else {
                None
            }
        })
        .collect();
    for (n, item) in chunk.iter_mut().enumerate() {
        decode::assign_row(item, rows, &map, n)?;
    }
    Ok(())
}

/// Without RETURNING (MySQL): the database defaults of the fields the INSERT left out are
/// read back with one SELECT by primary key, once every record's key is known (generated
/// and back-filled, or set by the caller). Models without a single-column key keep their
/// zero values, as before.
async fn read_back_defaults<T: Model>(
    db: &Db,
    table: &TableRef,
    chunk: &mut [T],
    plan: &Plan,
) -> Result<()> {
    let schema = T::schema();
    let mut keys = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.primary_key);
    let (Some((pk, key)), None) = (keys.next(), keys.next()) else {
        return Ok(());
    };
    let wanted: Vec<usize> = plan
        .returning
        .iter()
        .copied()
        .filter(|&i| i != pk)
        .collect();
    if wanted.is_empty() || db.session.dry_run || chunk.iter().any(|it| it.is_zero_at(pk)) {
        return Ok(());
    }
    let mut select = Select::from_table(table.clone());
    select.column(Expr::bare_col(key.column.clone()));
    for &i in &wanted {
        select.column(Expr::bare_col(schema.fields[i].column.clone()));
    }
    select.filter(
        Expr::bare_col(key.column.clone()).in_values(chunk.iter().map(|it| it.value_at(pk))),
    );
    let rows = db.query_statement(&Statement::Select(select)).await?;
    let Some(key_col) = rows.column_index(key.column.as_str()) else {
        return Ok(());
    };
    let map: Vec<Option<usize>> = decode::column_map::<T>(&rows)
        .into_iter()
        .enumerate()
        .map(|(i, c)| c.filter(|_| wanted.contains(&i)))
        .collect();
    for n in 0..rows.len() {
        let Some(row) = rows.row(n) else { continue };
        // The key as the model holds it, so it compares equal to the records' keys.
        let mut probe = T::new_default();
        probe
            .set_at(pk, row.cell(key_col)?)
            .map_err(|e| plugorm_plugin_api::DbError::Decode {
                detail: format!(
                    "key `{}` of {} read back after INSERT: expected {}, found {}",
                    key.column, schema.name, e.expected, e.found
                ),
            })?;
        let key_value = probe.value_at(pk);
        // Rows come back in key order, which is usually the records' order: try that first.
        let at = match chunk.get(n) {
            Some(it) if it.value_at(pk) == key_value => Some(n),
            _ => chunk.iter().position(|it| it.value_at(pk) == key_value),
        };
        if let Some(item) = at.and_then(|i| chunk.get_mut(i)) {
            decode::assign_row(item, &rows, &map, n)?;
        }
    }
    Ok(())
}

/// Without RETURNING: the driver's insert id is the *last* row's key on SQLite (the rows
/// before it count down from it) and the *first* row's on MySQL-family servers, where the
/// rows after it count up (`auto_increment_increment` = 1; a multi-row INSERT gets
/// consecutive keys) — as the dialect's [`InsertIdRow`] capability says.
fn backfill_last_id<T: Model>(
    chunk: &mut [T],
    plan: &Plan,
    reported: Option<i64>,
    first_reported: bool,
) -> Result<()> {
    let Some(id) = reported.filter(|id| *id > 0) else {
        return Ok(());
    };
    let Some(&pk) = plan
        .returning
        .iter()
        .find(|&&i| T::schema().fields[i].auto_increment)
    else {
        return Ok(());
    };
    let n = chunk.len() as i64;
    let first = if first_reported { id } else { id - (n - 1) };
    for (k, item) in chunk.iter_mut().enumerate() {
        set_value(item, pk, &Value::I64(first + k as i64))?;
    }
    Ok(())
}
