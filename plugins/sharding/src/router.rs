//! The statement callback (placed before `orm:statement` on every processor): finds the
//! statement's sharded table, picks the shard from the key (or a snowflake id), moves the
//! statement there and routes it to the shard's pool.
//!
//! * SELECT, UPDATE, DELETE: the key (or id) given with `=` in the AND-chain of the
//!   WHERE, as a column condition or inside a raw fragment (`where("user_id = ?", 7)`).
//!   A read without it fans out to every shard when allowed (the group's `fan_out`, or
//!   the session setting `sharding:fan_out = true`); anything else without it is refused
//!   with [`MISSING_SHARDING_KEY`].
//! * INSERT: every row's key; rows of different shards are refused
//!   ([`DIFFERENT_SHARDS`]): insert them apart. Rows without an id get a snowflake id of
//!   their shard.
//! * Raw SQL: parsed; the same rules, the table renamed in place in the text.
//! * `sharding:ignore = true` leaves a statement alone (GORM's `nosharding`).

use std::sync::Arc;

use plugorm_plugin_api::{
    setting,
    statement::{BinOp, ColumnRef, Expr, FromItem, Insert, RawSql, Statement, TableRef},
    target::format_targets,
    value::from_ffi,
    Callback, CallbackContext, DbError, DbResult, Value,
};

use crate::{
    error::{
        refuse, BAD_SHARDING_KEY, DIFFERENT_SHARDS, MISSING_SHARDING_KEY,
        SHARD_OUTSIDE_TRANSACTION, UNSUPPORTED_SQL,
    },
    group::{Group, Groups, Shard},
    own::OwnPools,
    parse::{self, RawKind},
};

/// The session setting that leaves statements unsharded (`true`).
pub const IGNORE: &str = "sharding:ignore";
/// The session setting that lets a read without the key run on every shard (`true`).
pub const FAN_OUT: &str = "sharding:fan_out";

/// The statement callback.
pub(crate) struct Router {
    pub groups: Arc<Groups>,
    pub own: Arc<OwnPools>,
}

/// What the WHERE of a statement pins: the key's values (one with `=`, several with
/// `IN`), else an id's.
#[derive(Default)]
struct Pinned {
    keys: Vec<Value>,
    id: Option<Value>,
}

impl Callback for Router {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if ctx.flag(IGNORE) {
            return Ok(());
        }
        match &ctx.statement {
            Statement::Raw(raw) => {
                let raw = raw.clone();
                self.raw(ctx, &raw)
            }
            Statement::Insert(ins) => {
                let Some(group) = self.groups.for_table(ins.table.name.as_str()) else {
                    return Ok(());
                };
                let group = Arc::clone(group);
                let table = ins.table.name.to_string();
                let shard = {
                    let Statement::Insert(ins) = &mut ctx.statement else {
                        return Ok(());
                    };
                    insert_shard(&group, &table, ins)?
                };
                self.place(ctx, &table, shard)
            }
            stmt => {
                let Some((table, conditions)) = filtered(stmt) else {
                    return Ok(());
                };
                let Some(group) = self.groups.for_table(&table) else {
                    return Ok(());
                };
                let group = Arc::clone(group);
                let pinned = pin_tree(&group, &table, conditions);
                let mut shards = choose(&group, &table, &pinned)?;
                match shards.len() {
                    0 => self.fan_out(ctx, &group, &table, None),
                    1 => {
                        let shard = shards.remove(0);
                        self.place(ctx, &table, shard)
                    }
                    // Keys of several shards (`user_id IN (…)`): a read runs on those.
                    _ => self.fan_out(ctx, &group, &table, Some(&shards)),
                }
            }
        }
    }
}

impl Router {
    /// Moves the statement to `shard` and routes it to the shard's pool.
    fn place(&self, ctx: &mut CallbackContext<'_>, table: &str, shard: Shard) -> DbResult<()> {
        let to = TableRef::new(shard.table.as_str());
        if !ctx.statement.retarget(table, &to) {
            return Err(refuse(
                UNSUPPORTED_SQL,
                format!(
                    "cannot move the statement on `{table}` to `{}`",
                    shard.table
                ),
            ));
        }
        self.route(ctx, &shard)
    }

    fn route(&self, ctx: &mut CallbackContext<'_>, shard: &Shard) -> DbResult<()> {
        let Some(pool) = shard.pool else {
            return Ok(());
        };
        if ctx.flag(setting::IN_TRANSACTION) {
            let own = ctx
                .setting(setting::DATABASE_POOL)
                .and_then(|v| v.parse().ok());
            if own != Some(pool) {
                return Err(refuse(
                    SHARD_OUTSIDE_TRANSACTION,
                    format!(
                        "shard `{}` is in another database than the transaction's; run \
                         the statement outside the transaction",
                        shard.table
                    ),
                ));
            }
            return Ok(());
        }
        ctx.set(setting::POOL, &pool.to_string());
        Ok(())
    }

    /// A read on several shards: those its keys name (`some`), or without the key every
    /// shard, when allowed.
    fn fan_out(
        &self,
        ctx: &mut CallbackContext<'_>,
        group: &Group,
        table: &str,
        some: Option<&[Shard]>,
    ) -> DbResult<()> {
        let reads = matches!(ctx.statement, Statement::Select(_));
        if !reads {
            return Err(match some {
                Some(shards) => {
                    let named: Vec<(usize, &Shard)> = shards.iter().enumerate().collect();
                    different_in_where(table, &named)
                }
                None => missing(group, table, false),
            });
        }
        if some.is_none() && !(group.fan_out || ctx.flag(FAN_OUT)) {
            return Err(missing(group, table, true));
        }
        let own = self.own.of(ctx);
        let base = match &ctx.statement {
            Statement::Select(s) => match &s.from {
                FromItem::Table(t) => t.clone(),
                _ => TableRef::new(table),
            },
            _ => TableRef::new(table),
        };
        let targets = match some {
            Some(shards) => {
                let indexes: Vec<u32> = shards.iter().map(|s| s.index).collect();
                group.targets_of(&base, &indexes, &own)
            }
            None => group.targets(&base, &own),
        };
        ctx.set(setting::FAN_OUT, &format_targets(&targets));
        Ok(())
    }

    fn raw(&self, ctx: &mut CallbackContext<'_>, raw: &RawSql) -> DbResult<()> {
        let Some(parsed) = parse::parse_statement(raw.sql.as_str()) else {
            return Ok(());
        };
        let (table, shard) = match &parsed.kind {
            RawKind::Other => return Ok(()),
            RawKind::Filtered { table, selection } => {
                let Some(group) = self.groups.for_table(table) else {
                    return Ok(());
                };
                let mut pinned = Pinned::default();
                if let Some(selection) = selection {
                    let mut keys = Vec::new();
                    parse::equalities(selection, &group.key, &mut keys);
                    pinned.keys = keys
                        .iter()
                        .filter_map(|e| parsed.value(e, &raw.args))
                        .take(1)
                        .collect();
                    let mut ids = Vec::new();
                    parse::equalities(selection, &group.id_column, &mut ids);
                    pinned.id = ids.iter().find_map(|e| parsed.value(e, &raw.args));
                }
                match choose(group, table, &pinned)?.into_iter().next() {
                    Some(shard) => (table.clone(), shard),
                    None => return Err(missing(group, table, false)),
                }
            }
            RawKind::Insert {
                table,
                columns,
                rows,
            } => {
                let Some(group) = self.groups.for_table(table) else {
                    return Ok(());
                };
                let at = columns
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(&group.key))
                    .ok_or_else(|| missing(group, table, false))?;
                let mut chosen: Option<Shard> = None;
                for (n, row) in rows.iter().enumerate() {
                    let value = row
                        .get(at)
                        .and_then(|e| parsed.value(e, &raw.args))
                        .ok_or_else(|| missing(group, table, false))?;
                    let shard = group
                        .shard_of_key(table, &value)
                        .map_err(|why| refuse(BAD_SHARDING_KEY, why))?;
                    if let Some(first) = &chosen {
                        if first.index != shard.index {
                            return Err(different(table, &[(0, first), (n, &shard)]));
                        }
                    } else {
                        chosen = Some(shard);
                    }
                }
                match chosen {
                    Some(shard) => (table.clone(), shard),
                    None => return Ok(()),
                }
            }
        };
        let sql = parsed
            .rename_table(raw.sql.as_str(), &table, &shard.table)
            .ok_or_else(|| {
                refuse(
                    UNSUPPORTED_SQL,
                    format!("cannot find where `{table}` is named in the raw SQL"),
                )
            })?;
        ctx.statement = Statement::Raw(RawSql {
            sql: sql.into(),
            args: raw.args.clone(),
        });
        self.route(ctx, &shard)
    }
}

/// The table and conditions of a SELECT from one table, an UPDATE or a DELETE.
fn filtered(stmt: &Statement) -> Option<(String, &[Expr])> {
    match stmt {
        Statement::Select(s) => match &s.from {
            FromItem::Table(t) => Some((t.name.to_string(), s.conditions.as_slice())),
            _ => None,
        },
        Statement::Update(u) => Some((u.table.name.to_string(), u.conditions.as_slice())),
        Statement::Delete(d) => Some((d.table.name.to_string(), d.conditions.as_slice())),
        _ => None,
    }
}

/// The shards the pinned keys (else the id) name, each once, in shard order; none when
/// nothing is pinned.
fn choose(group: &Group, table: &str, pinned: &Pinned) -> DbResult<Vec<Shard>> {
    if !pinned.keys.is_empty() {
        let mut shards = pinned
            .keys
            .iter()
            .map(|key| group.shard_of_key(table, key))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|why| refuse(BAD_SHARDING_KEY, format!("`{table}`: {why}")))?;
        shards.sort_by_key(|s| s.index);
        shards.dedup_by_key(|s| s.index);
        return Ok(shards);
    }
    Ok(pinned
        .id
        .as_ref()
        .and_then(|id| group.shard_of_id(table, id))
        .into_iter()
        .collect())
}

/// What the conditions of a built statement pin.
fn pin_tree(group: &Group, table: &str, conditions: &[Expr]) -> Pinned {
    let mut pinned = Pinned::default();
    for c in conditions {
        pin_expr(group, table, c, &mut pinned);
    }
    pinned
}

/// True when `col` is column `name` of `table` (bare or qualified by it).
fn is_column(col: &ColumnRef, table: &str, name: &str) -> bool {
    col.name.as_str().eq_ignore_ascii_case(name)
        && col
            .table
            .as_ref()
            .is_none_or(|t| t.as_str().eq_ignore_ascii_case(table))
}

/// Records values given to `col`: the first condition on the key decides; an id counts
/// when it is one value.
fn record(group: &Group, table: &str, col: &ColumnRef, values: Vec<Value>, pinned: &mut Pinned) {
    if is_column(col, table, &group.key) {
        if pinned.keys.is_empty() {
            pinned.keys = values;
        }
    } else if is_column(col, table, &group.id_column) && values.len() == 1 {
        pinned.id.get_or_insert_with(|| values[0].clone());
    }
}

fn pin_expr(group: &Group, table: &str, e: &Expr, pinned: &mut Pinned) {
    match e {
        Expr::And(list) => {
            for c in list.iter() {
                pin_expr(group, table, c, pinned);
            }
        }
        Expr::Binary {
            op: BinOp::Eq,
            left,
            right,
        } => {
            if let (Expr::Column(col), Expr::Value(v)) = (&**left, &**right) {
                if let Ok(v) = from_ffi(v) {
                    record(group, table, col, vec![v.clone()], pinned);
                }
            }
        }
        // An IN list of values pins the shards of its values.
        Expr::In {
            expr,
            list,
            negated: false,
        } => {
            if let Expr::Column(col) = &**expr {
                let values: Option<Vec<Value>> = list
                    .iter()
                    .map(|e| match e {
                        Expr::Value(v) => from_ffi(v).ok().cloned(),
                        _ => None,
                    })
                    .collect();
                if let Some(values) = values.filter(|v| !v.is_empty()) {
                    record(group, table, col, values, pinned);
                }
            }
        }
        Expr::Raw(raw) => {
            let Some((parsed, places)) = parse::parse_condition(raw.sql.as_str()) else {
                return;
            };
            if pinned.keys.is_empty() {
                let mut found = Vec::new();
                parse::equalities(&parsed, &group.key, &mut found);
                pinned.keys = found
                    .iter()
                    .filter_map(|x| parse::value_of(x, &places, &raw.args))
                    .take(1)
                    .collect();
            }
            if pinned.id.is_none() {
                let mut found = Vec::new();
                parse::equalities(&parsed, &group.id_column, &mut found);
                pinned.id = found
                    .iter()
                    .find_map(|x| parse::value_of(x, &places, &raw.args));
            }
        }
        _ => {}
    }
}

/// The shard of an INSERT's rows, filling the ids the rows lack.
fn insert_shard(group: &Group, table: &str, ins: &mut Insert) -> DbResult<Shard> {
    let at = ins
        .columns
        .iter()
        .position(|c| c.as_str().eq_ignore_ascii_case(&group.key))
        .ok_or_else(|| missing(group, table, false))?;
    let mut shards: Vec<Shard> = Vec::with_capacity(ins.rows.len());
    for row in ins.rows.iter() {
        let value = match row.get(at) {
            Some(Expr::Value(v)) => from_ffi(v)?.clone(),
            _ => return Err(missing(group, table, false)),
        };
        let shard = group
            .shard_of_key(table, &value)
            .map_err(|why| refuse(BAD_SHARDING_KEY, format!("`{table}`: {why}")))?;
        shards.push(shard);
    }
    if let Some((n, other)) = shards
        .iter()
        .enumerate()
        .find(|(_, s)| s.index != shards[0].index)
    {
        return Err(different(table, &[(0, &shards[0]), (n, other)]));
    }
    let Some(shard) = shards.into_iter().next() else {
        return Err(missing(group, table, false));
    };
    fill_ids(group, shard.index, ins);
    Ok(shard)
}

/// Gives rows without an id a fresh one of the shard (snowflake groups).
fn fill_ids(group: &Group, index: u32, ins: &mut Insert) {
    if !group.generates_ids() {
        return;
    }
    let at = match ins
        .columns
        .iter()
        .position(|c| c.as_str().eq_ignore_ascii_case(&group.id_column))
    {
        Some(at) => at,
        None => {
            ins.columns.push(group.id_column.as_str().into());
            for row in ins.rows.iter_mut() {
                row.push(Expr::value(Value::Null));
            }
            ins.columns.len() - 1
        }
    };
    for row in ins.rows.iter_mut() {
        let Some(cell) = row.get_mut(at) else {
            continue;
        };
        let empty = match cell {
            Expr::Value(v) => matches!(from_ffi(v), Ok(Value::Null) | Ok(Value::I64(0))),
            _ => false,
        };
        if empty {
            if let Some(id) = group.next_id(index) {
                *cell = Expr::value(id);
            }
        }
    }
}

fn missing(group: &Group, table: &str, read: bool) -> DbError {
    let hint = if read {
        format!(
            ", or allow the read on every shard (`fan_out = true` in the group, or the \
             session setting `{FAN_OUT}` = `true`)"
        )
    } else {
        String::new()
    };
    refuse(
        MISSING_SHARDING_KEY,
        format!(
            "a statement on sharded table `{table}` must give `{}` with `=`{}{hint}",
            group.key,
            if group.generates_ids() {
                format!(" (or `{}` with `=`)", group.id_column)
            } else {
                String::new()
            }
        ),
    )
}

fn different_in_where(table: &str, shards: &[(usize, &Shard)]) -> DbError {
    let names: Vec<&str> = shards.iter().map(|(_, s)| s.table.as_str()).collect();
    refuse(
        DIFFERENT_SHARDS,
        format!(
            "a write on `{table}` names keys of several shards ({}): only a read runs on \
             several shards; write each shard's rows apart",
            names.join(", ")
        ),
    )
}

fn different(table: &str, rows: &[(usize, &Shard)]) -> DbError {
    let parts: Vec<String> = rows
        .iter()
        .map(|(n, s)| format!("row {} goes to `{}`", n + 1, s.table))
        .collect();
    refuse(
        DIFFERENT_SHARDS,
        format!(
            "one INSERT into `{table}` holds rows of different shards ({}): insert each \
             shard's rows apart",
            parts.join(", ")
        ),
    )
}
