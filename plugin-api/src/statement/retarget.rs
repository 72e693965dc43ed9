//! Moving a statement to another table of the same shape (a shard): the table it reads or
//! writes and every column qualified by that table's name follow.

use crate::types::{Optional, Text};

use super::{Expr, FromItem, OrderBy, Select, Statement, TableRef};

impl Statement {
    /// Replaces the statement's own table `from` (the FROM table of a SELECT, the target
    /// of an INSERT, UPDATE or DELETE) with `to`, and the qualifier of every column
    /// written `from.column` in its clauses. Sub-queries keep their own tables. Returns
    /// false, changing nothing, when the statement's own table is not `from` (a raw
    /// statement, a join of tables, a SELECT from a sub-query).
    ///
    /// ```
    /// use plugorm_plugin_api::statement::{Expr, Select, Statement, TableRef};
    /// let mut q = Select::from_table(TableRef::new("orders"));
    /// q.filter(Expr::col("orders", "user_id").eq(7i64));
    /// let mut stmt = Statement::Select(q);
    /// assert!(stmt.retarget("orders", &TableRef::new("orders_3")));
    /// let Statement::Select(q) = &stmt else { unreachable!() };
    /// assert_eq!(q.conditions[0], Expr::col("orders_3", "user_id").eq(7i64));
    /// assert!(!stmt.retarget("users", &TableRef::new("users_1")));
    /// ```
    pub fn retarget(&mut self, from: &str, to: &TableRef) -> bool {
        let rename = Rename { from, to };
        match self {
            Statement::Select(s) => rename.select(s),
            Statement::Insert(i) => rename.table(&mut i.table),
            Statement::Update(u) => {
                let moved = rename.table(&mut u.table);
                if moved {
                    for a in u.set.iter_mut() {
                        rename.expr(&mut a.value);
                    }
                    rename.exprs(u.conditions.iter_mut());
                    rename.orders(u.order_by.iter_mut());
                }
                moved
            }
            Statement::Delete(d) => {
                let moved = rename.table(&mut d.table);
                if moved {
                    rename.exprs(d.conditions.iter_mut());
                    rename.orders(d.order_by.iter_mut());
                }
                moved
            }
            Statement::Raw(_) => false,
        }
    }
}

struct Rename<'a> {
    from: &'a str,
    to: &'a TableRef,
}

impl Rename<'_> {
    /// Moves `table` when it is `from` (an alias, when it has one, keeps qualifying).
    fn table(&self, table: &mut TableRef) -> bool {
        if !table.name.as_str().eq_ignore_ascii_case(self.from) {
            return false;
        }
        table.name = self.to.name.clone();
        if let Optional::Some(schema) = &self.to.schema {
            table.schema = Optional::Some(schema.clone());
        }
        true
    }

    fn select(&self, s: &mut Select) -> bool {
        let FromItem::Table(table) = &mut s.from else {
            return false;
        };
        let aliased = table.alias.is_some();
        if !self.table(table) {
            return false;
        }
        // Under an alias, columns are qualified by the alias, which stays.
        if aliased {
            return true;
        }
        for c in s.columns.iter_mut() {
            self.expr(&mut c.expr);
        }
        for j in s.joins.iter_mut() {
            if let Optional::Some(on) = &mut j.on {
                self.expr(on);
            }
        }
        self.exprs(s.conditions.iter_mut());
        self.exprs(s.group_by.iter_mut());
        self.exprs(s.having.iter_mut());
        self.orders(s.order_by.iter_mut());
        true
    }

    fn exprs<'e>(&self, exprs: impl Iterator<Item = &'e mut Expr>) {
        for e in exprs {
            self.expr(e);
        }
    }

    fn orders<'e>(&self, orders: impl Iterator<Item = &'e mut OrderBy>) {
        for o in orders {
            self.expr(&mut o.expr);
        }
    }

    fn expr(&self, e: &mut Expr) {
        match e {
            Expr::Column(c) => {
                if let Optional::Some(t) = &c.table {
                    if t.as_str().eq_ignore_ascii_case(self.from) {
                        c.table = Optional::Some(self.to.name.clone());
                    }
                }
            }
            Expr::Star(Optional::Some(t)) if t.as_str().eq_ignore_ascii_case(self.from) => {
                *t = Text::from(self.to.name.as_str());
            }
            Expr::Binary { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            Expr::And(list) | Expr::Or(list) | Expr::List(list) => self.exprs(list.iter_mut()),
            Expr::Func { args, .. } => self.exprs(args.iter_mut()),
            Expr::Not(inner) | Expr::Alias { expr: inner, .. } => self.expr(inner),
            Expr::IsNull { expr, .. } | Expr::InSelect { expr, .. } => self.expr(expr),
            Expr::In { expr, list, .. } => {
                self.expr(expr);
                self.exprs(list.iter_mut());
            }
            // Values, raw fragments (text the plugin reads itself), stars and sub-queries
            // (their own tables) stay.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::{Assignment, Delete, Update};

    fn shard() -> TableRef {
        TableRef::new("orders_1")
    }

    #[test]
    fn a_select_moves_its_table_and_qualified_columns_only() {
        let mut q = Select::from_table(TableRef::new("orders"));
        q.column(Expr::Star(Optional::Some("orders".into())));
        q.filter(Expr::Or(
            vec![
                Expr::col("orders", "user_id").eq(1i64),
                Expr::col("users", "id").eq(2i64),
                Expr::bare_col("id").in_values([3i64.into()]),
            ]
            .into(),
        ));
        q.order_by.push(OrderBy::desc(Expr::col("ORDERS", "id")));
        let mut stmt = Statement::Select(q);
        assert!(stmt.retarget("orders", &shard()));
        let Statement::Select(q) = stmt else {
            unreachable!()
        };
        assert_eq!(q.from, FromItem::Table(shard()));
        assert_eq!(
            q.columns[0].expr,
            Expr::Star(Optional::Some("orders_1".into()))
        );
        let Expr::Or(list) = &q.conditions[0] else {
            panic!("{:?}", q.conditions)
        };
        assert_eq!(list[0], Expr::col("orders_1", "user_id").eq(1i64));
        assert_eq!(
            list[1],
            Expr::col("users", "id").eq(2i64),
            "another table stays"
        );
        assert_eq!(q.order_by[0].expr, Expr::col("orders_1", "id"));
    }

    #[test]
    fn writes_move_their_target_and_an_alias_keeps_qualifying() {
        let mut u = Update::new(TableRef::new("orders"));
        u.set.push(Assignment {
            column: "n".into(),
            value: Expr::col("orders", "n"),
        });
        u.conditions.push(Expr::col("orders", "id").eq(1i64));
        let mut stmt = Statement::Update(u);
        assert!(stmt.retarget("orders", &TableRef::parse("s.orders_1")));
        let Statement::Update(u) = &stmt else {
            unreachable!()
        };
        assert_eq!(u.table, TableRef::parse("s.orders_1"));
        assert_eq!(u.conditions[0], Expr::col("orders_1", "id").eq(1i64));

        let mut d = Statement::Delete(Delete::new(TableRef::new("users")));
        assert!(
            !d.retarget("orders", &shard()),
            "another table is not moved"
        );

        let mut q = Select::from_table(TableRef::new("orders").alias("o"));
        q.filter(Expr::col("o", "id").eq(1i64));
        let mut stmt = Statement::Select(q.clone());
        assert!(stmt.retarget("orders", &shard()));
        let Statement::Select(moved) = stmt else {
            unreachable!()
        };
        assert_eq!(moved.conditions, q.conditions);
        assert_eq!(moved.from, FromItem::Table(shard().alias("o")));
    }
}
