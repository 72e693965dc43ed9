//! Random statement trees: SELECT (joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT,
//! locks, sub-queries), INSERT (many rows, upserts, RETURNING), UPDATE and DELETE.
//!
//! Where the generator leaves a shape out, the comment says why: either the tree is one
//! the host never builds and the renderer need not accept, or the SQL is valid for the
//! database but sqlparser cannot read it.

use std::collections::HashSet;

use arbitrary::{Result, Unstructured};
use plugorm_plugin_api::statement::{
    Assignment, BinOp, ColumnRef, Conflict, ConflictAction, Delete, Expr, FromItem, Insert, Join,
    JoinKind, Lock, LockStrength, LockWait, OrderBy, RawSql, Select, SelectItem, Statement,
    TableRef, Update,
};
use plugorm_plugin_api::types::{Boxed, List, Optional, Text};

use crate::{hostile_text, value};

/// How deep expressions and sub-queries nest.
const MAX_DEPTH: u32 = 3;

/// Function names: identifiers the renderer writes bare. Arbitrary names are left out:
/// the renderer only checks the characters (`[A-Za-z0-9_.]`), and names such as `1x` or
/// `select` are the caller's mistake, not something quoting could fix.
const FUNCTIONS: &[&str] = &["count", "max", "lower", "coalesce", "abs", "length"];

/// Raw SQL templates as user code writes them; `v` is a value argument, `l` a list of
/// values, `s` a sub-query. No `??` (a literal `?` is PostgreSQL's JSON operator and
/// would count as a placeholder in the check).
const RAW_CONDITIONS: &[(&str, &str)] = &[
    ("? + ? > 0", "vv"),
    ("coalesce(?, ?) IS NOT NULL", "vv"),
    ("amount BETWEEN ? AND ?", "vv"),
    ("status = ? OR status IS NULL", "v"),
    ("id IN ?", "l"),
    ("id IN (?)", "l"),
    ("id IN (?)", "s"),
    ("EXISTS (?)", "s"),
    ("name LIKE ?", "v"),
    ("1 = 1", ""),
];

const BIN_OPS: &[BinOp] = &[
    BinOp::Eq,
    BinOp::NotEq,
    BinOp::Lt,
    BinOp::LtEq,
    BinOp::Gt,
    BinOp::GtEq,
    BinOp::Like,
    BinOp::NotLike,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
];

/// Builds statements and records every identifier it used, so the check can tell a
/// quoted identifier of the rendered SQL from text that escaped its quotes.
#[derive(Default)]
pub struct Gen {
    pub names: HashSet<String>,
}

impl Gen {
    /// One statement of any kind.
    pub fn statement(&mut self, u: &mut Unstructured<'_>) -> Result<Statement> {
        Ok(match u.int_in_range(0u8..=3)? {
            0 => Statement::Select(self.select(u, MAX_DEPTH, true)?),
            1 => Statement::Insert(self.insert(u)?),
            2 => Statement::Update(self.update(u)?),
            _ => Statement::Delete(self.delete(u)?),
        })
    }

    /// A hostile identifier. `*` alone is left out: a column named `*` is the star by
    /// the renderer's contract (`Expr::Column` with name `*`, RETURNING `*`).
    fn ident(&mut self, u: &mut Unstructured<'_>) -> Result<Text> {
        let mut s = hostile_text(u, 10)?;
        if s == "*" {
            s.push('x');
        }
        self.names.insert(s.clone());
        Ok(s.into())
    }

    fn idents(&mut self, u: &mut Unstructured<'_>, min: usize, max: usize) -> Result<List<Text>> {
        let n = u.int_in_range(min..=max)?;
        (0..n).map(|_| self.ident(u)).collect()
    }

    fn opt_ident(&mut self, u: &mut Unstructured<'_>) -> Result<Optional<Text>> {
        Ok(if u.arbitrary()? {
            Optional::Some(self.ident(u)?)
        } else {
            Optional::None
        })
    }

    fn table(&mut self, u: &mut Unstructured<'_>) -> Result<TableRef> {
        Ok(TableRef {
            schema: self.opt_ident(u)?,
            name: self.ident(u)?,
            alias: self.opt_ident(u)?,
        })
    }

    /// The table an INSERT, UPDATE or DELETE writes, never aliased: the host targets
    /// `TableRef::parse(name)` only. An aliased INSERT target renders `INSERT INTO "t" "a"`,
    /// which PostgreSQL and SQLite refuse (both want `AS`), MySQL has no INSERT alias, and
    /// SQLite takes an UPDATE / DELETE alias only after `AS` (reported, not fixed).
    fn write_target(&mut self, u: &mut Unstructured<'_>) -> Result<TableRef> {
        Ok(TableRef {
            alias: Optional::None,
            ..self.table(u)?
        })
    }

    fn column(&mut self, u: &mut Unstructured<'_>) -> Result<Expr> {
        Ok(Expr::Column(ColumnRef {
            table: self.opt_ident(u)?,
            name: self.ident(u)?,
        }))
    }

    fn value_expr(&mut self, u: &mut Unstructured<'_>) -> Result<Expr> {
        Ok(Expr::Value(value(u)?.into_ffi()))
    }

    fn values(&mut self, u: &mut Unstructured<'_>, max: usize) -> Result<List<Expr>> {
        let n = u.int_in_range(0..=max)?;
        (0..n).map(|_| self.value_expr(u)).collect()
    }

    fn exprs(
        &mut self,
        u: &mut Unstructured<'_>,
        depth: u32,
        min: usize,
        max: usize,
    ) -> Result<List<Expr>> {
        let n = u.int_in_range(min..=max)?;
        (0..n).map(|_| self.expr(u, depth)).collect()
    }

    /// A SELECT of one column, for scalar and IN sub-queries.
    fn one_column_select(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<Select> {
        let mut s = self.select(u, depth, false)?;
        s.columns = List::from(vec![SelectItem {
            expr: self.column(u)?,
        }]);
        Ok(s)
    }

    /// An expression usable as a condition or an operand.
    pub fn expr(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<Expr> {
        if depth == 0 {
            return if u.arbitrary()? {
                self.column(u)
            } else {
                self.value_expr(u)
            };
        }
        let d = depth - 1;
        Ok(match u.int_in_range(0u8..=13)? {
            0 => self.column(u)?,
            1 => self.value_expr(u)?,
            2 => Expr::Binary {
                op: *u.choose(BIN_OPS)?,
                left: Boxed::new(self.expr(u, d)?),
                right: Boxed::new(self.expr(u, d)?),
            },
            3 => Expr::And(self.exprs(u, d, 0, 3)?),
            4 => Expr::Or(self.exprs(u, d, 0, 3)?),
            5 => Expr::Not(Boxed::new(self.expr(u, d)?)),
            6 => Expr::IsNull {
                expr: Boxed::new(self.expr(u, d)?),
                negated: u.arbitrary()?,
            },
            7 => Expr::In {
                expr: Boxed::new(self.expr(u, d)?),
                list: self.values(u, 4)?,
                negated: u.arbitrary()?,
            },
            8 => {
                // Multi-column IN: `(a, b) IN ((?, ?), (?, ?))`.
                let width = u.int_in_range(1..=3)?;
                let left = (0..width)
                    .map(|_| self.column(u))
                    .collect::<Result<List<_>>>()?;
                let n = u.int_in_range(0..=3)?;
                let list = (0..n)
                    .map(|_| {
                        (0..width)
                            .map(|_| self.value_expr(u))
                            .collect::<Result<List<_>>>()
                            .map(Expr::List)
                    })
                    .collect::<Result<List<_>>>()?;
                Expr::In {
                    expr: Boxed::new(Expr::List(left)),
                    list,
                    negated: u.arbitrary()?,
                }
            }
            9 => Expr::InSelect {
                expr: Boxed::new(self.expr(u, d)?),
                query: Boxed::new(self.one_column_select(u, d)?),
                negated: u.arbitrary()?,
            },
            10 => Expr::Exists {
                query: Boxed::new(self.select(u, d, false)?),
                negated: u.arbitrary()?,
            },
            11 => self.func(u, d)?,
            12 => Expr::Subquery(Boxed::new(self.one_column_select(u, d)?)),
            _ => self.raw_condition(u, d)?,
        })
    }

    fn func(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<Expr> {
        let name = *u.choose(FUNCTIONS)?;
        let args = if name == "count" && u.arbitrary()? {
            List::from(vec![Expr::Star(Optional::None)])
        } else {
            self.exprs(u, depth, 1, 3)?
        };
        Ok(Expr::Func {
            name: name.into(),
            args,
        })
    }

    fn raw_condition(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<Expr> {
        let (sql, kinds) = *u.choose(RAW_CONDITIONS)?;
        let mut args = List::new();
        for k in kinds.chars() {
            args.push(match k {
                'v' => self.value_expr(u)?,
                'l' => Expr::List(self.values(u, 3)?),
                _ => Expr::Subquery(Boxed::new(self.one_column_select(u, depth)?)),
            });
        }
        Ok(Expr::Raw(RawSql {
            sql: sql.into(),
            args,
        }))
    }

    fn select_item(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<SelectItem> {
        let expr = match u.int_in_range(0u8..=4)? {
            0 => self.column(u)?,
            1 => Expr::Star(self.opt_ident(u)?),
            2 => Expr::Alias {
                expr: Boxed::new(self.expr(u, depth)?),
                alias: self.ident(u)?,
            },
            3 => self.func(u, depth)?,
            _ => self.expr(u, depth)?,
        };
        Ok(SelectItem { expr })
    }

    fn order_by(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<List<OrderBy>> {
        let n = u.int_in_range(0..=3)?;
        (0..n)
            .map(|_| {
                let expr = if u.arbitrary()? {
                    self.column(u)?
                } else {
                    self.expr(u, depth)?
                };
                Ok(OrderBy {
                    expr,
                    desc: u.arbitrary()?,
                })
            })
            .collect()
    }

    fn from_item(&mut self, u: &mut Unstructured<'_>, depth: u32) -> Result<FromItem> {
        Ok(if depth > 0 && u.ratio(1u8, 4u8)? {
            FromItem::Subquery {
                query: Boxed::new(self.select(u, depth - 1, false)?),
                alias: self.ident(u)?,
            }
        } else {
            FromItem::Table(self.table(u)?)
        })
    }

    /// A SELECT. `top` allows a locking clause (kept off sub-queries).
    ///
    /// Left out: a SELECT without FROM that selects `*` or has joins (`SELECT *` and
    /// `SELECT … JOIN` without a table are not SQL, and the host always sets a table when
    /// it adds joins); HAVING without GROUP BY (SQLite before 3.39 refuses it); an ON on
    /// CROSS JOIN and an INNER/LEFT/RIGHT JOIN without ON (PostgreSQL refuses both; the
    /// host pairs them that way).
    pub fn select(&mut self, u: &mut Unstructured<'_>, depth: u32, top: bool) -> Result<Select> {
        let mut s = Select::empty();
        s.distinct = u.arbitrary()?;
        let ncols = u.int_in_range(0..=3)?;
        for _ in 0..ncols {
            let item = self.select_item(u, depth.saturating_sub(1))?;
            s.columns.push(item);
        }
        let no_from = !s.columns.is_empty() && u.ratio(1u8, 8u8)?;
        if !no_from {
            s.from = self.from_item(u, depth)?;
            let njoins = u.int_in_range(0..=2)?;
            for _ in 0..njoins {
                let kind = *u.choose(&[
                    JoinKind::Inner,
                    JoinKind::Left,
                    JoinKind::Right,
                    JoinKind::Cross,
                ])?;
                let target = self.from_item(u, depth)?;
                let on = if kind == JoinKind::Cross {
                    Optional::None
                } else {
                    Optional::Some(self.expr(u, depth.saturating_sub(1))?)
                };
                s.joins.push(Join { kind, target, on });
            }
        }
        s.conditions = self.exprs(u, depth.saturating_sub(1), 0, 3)?;
        s.group_by = self.exprs(u, 0, 0, 2)?;
        if !s.group_by.is_empty() {
            s.having = self.exprs(u, depth.saturating_sub(1), 0, 2)?;
        }
        s.order_by = self.order_by(u, depth.saturating_sub(1))?;
        s.limit = u.arbitrary::<Option<u64>>()?.into();
        s.offset = u.arbitrary::<Option<u64>>()?.into();
        if top && !no_from && u.ratio(1u8, 4u8)? {
            // Not `NoKeyUpdate` / `KeyShare`: PostgreSQL takes `FOR NO KEY UPDATE` and
            // `FOR KEY SHARE`, sqlparser does not; MySQL refuses them (a render error).
            let strength = *u.choose(&[LockStrength::Update, LockStrength::Share])?;
            let wait = *u.choose(&[LockWait::Wait, LockWait::NoWait, LockWait::SkipLocked])?;
            s.lock = Optional::Some(Lock {
                strength,
                // One table at most: PostgreSQL takes `OF a, b`, sqlparser one name.
                of: self.idents(u, 0, 1)?,
                wait,
            });
        }
        s.primary_key = self.opt_ident(u)?;
        Ok(s)
    }

    fn assignments(
        &mut self,
        u: &mut Unstructured<'_>,
        min: usize,
        max: usize,
    ) -> Result<List<Assignment>> {
        let n = u.int_in_range(min..=max)?;
        (0..n)
            .map(|_| {
                let column = self.ident(u)?;
                let value = match u.int_in_range(0u8..=2)? {
                    // `excluded.c`: what an upsert proposed (MySQL: `VALUES(c)`).
                    0 => {
                        self.names.insert("excluded".into());
                        Expr::col("excluded", self.ident(u)?)
                    }
                    1 => self.value_expr(u)?,
                    _ => self.expr(u, 1)?,
                };
                Ok(Assignment { column, value })
            })
            .collect()
    }

    fn returning(&mut self, u: &mut Unstructured<'_>) -> Result<List<Text>> {
        if u.ratio(1u8, 6u8)? {
            return Ok(List::from(vec![Text::from("*")]));
        }
        self.idents(u, 0, 2)
    }

    /// An INSERT of one to six rows, sometimes with an upsert clause.
    pub fn insert(&mut self, u: &mut Unstructured<'_>) -> Result<Insert> {
        let table = self.write_target(u)?;
        let columns = self.idents(u, 0, 4)?;
        let mut ins = Insert::new(table, columns.into_iter());
        let nrows = u.int_in_range(1..=6)?;
        for _ in 0..nrows {
            let row = (0..ins.columns.len())
                .map(|_| {
                    if u.ratio(1u8, 8u8)? {
                        self.expr(u, 1)
                    } else {
                        self.value_expr(u)
                    }
                })
                .collect::<Result<List<_>>>()?;
            ins.rows.push(row);
        }
        if u.arbitrary()? {
            self.names.insert("excluded".into());
            let action = match u.int_in_range(0u8..=2)? {
                0 => ConflictAction::DoNothing,
                1 => ConflictAction::UpdateColumns(self.idents(u, 0, 3)?),
                _ => ConflictAction::Update(self.assignments(u, 0, 3)?),
            };
            let condition = if u.ratio(1u8, 4u8)? {
                Optional::Some(self.expr(u, 1)?)
            } else {
                Optional::None
            };
            ins.on_conflict = Optional::Some(Conflict {
                target: self.idents(u, 0, 2)?,
                action,
                condition,
            });
        }
        ins.returning = self.returning(u)?;
        Ok(ins)
    }

    /// An UPDATE (no assignment is a render error, which is allowed).
    pub fn update(&mut self, u: &mut Unstructured<'_>) -> Result<Update> {
        let mut up = Update::new(self.write_target(u)?);
        up.set = self.assignments(u, 0, 3)?;
        up.conditions = self.exprs(u, MAX_DEPTH - 1, 0, 3)?;
        up.order_by = self.order_by(u, 1)?;
        up.limit = u.arbitrary::<Option<u64>>()?.into();
        up.returning = self.returning(u)?;
        Ok(up)
    }

    /// A DELETE.
    pub fn delete(&mut self, u: &mut Unstructured<'_>) -> Result<Delete> {
        let mut d = Delete::new(self.write_target(u)?);
        d.conditions = self.exprs(u, MAX_DEPTH - 1, 0, 3)?;
        d.order_by = self.order_by(u, 1)?;
        d.limit = u.arbitrary::<Option<u64>>()?.into();
        d.returning = self.returning(u)?;
        Ok(d)
    }
}
