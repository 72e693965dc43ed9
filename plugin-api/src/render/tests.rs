//! Renderer cases found by the fuzz targets (`fuzz/`, `scripts/fuzz`).

use super::{render, SqlRenderer};
use crate::statement::{Assignment, Expr, Select, Statement, TableRef, Update};

struct Ansi;
impl SqlRenderer for Ansi {}

fn sql(stmt: Statement) -> String {
    render(&Ansi, &stmt).unwrap().text.to_string()
}

#[test]
fn empty_and_or_groups_render_as_true_and_false() {
    let mut q = Select::from_table(TableRef::new("t"));
    q.filter(Expr::And(Default::default()));
    assert_eq!(
        sql(Statement::Select(q.clone())),
        r#"SELECT * FROM "t" WHERE (1=1)"#
    );
    q.filter(Expr::Or(Default::default()));
    q.filter(Expr::Not(Box::new(Expr::Or(Default::default())).into()));
    assert_eq!(
        sql(Statement::Select(q)),
        r#"SELECT * FROM "t" WHERE (1=1) AND (1=0) AND NOT (1=0)"#
    );
    let mut u = Update::new(TableRef::new("t"));
    u.set.push(Assignment {
        column: "c".into(),
        value: Expr::And(Default::default()),
    });
    assert_eq!(sql(Statement::Update(u)), r#"UPDATE "t" SET "c"=(1=1)"#);
}
