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

#[test]
fn upserts_render_valid_sql_or_are_refused() {
    use crate::statement::{Conflict, ConflictAction, Insert};
    let upsert = |action: ConflictAction, condition: Option<Expr>| {
        let mut ins = Insert::new(TableRef::new("t"), ["id".into()]);
        ins.rows.push(vec![Expr::value(1i64)].into());
        ins.on_conflict = Some(Conflict {
            target: vec!["id".into()].into(),
            action,
            condition: condition.into(),
        })
        .into();
        render(&Ansi, &Statement::Insert(ins))
    };
    let cond = || Some(Expr::bare_col("x").is_null());
    assert!(upsert(ConflictAction::UpdateColumns(Default::default()), None).is_err());
    assert!(upsert(ConflictAction::Update(Default::default()), None).is_err());
    let ok = upsert(
        ConflictAction::UpdateColumns(vec!["v".into()].into()),
        cond(),
    )
    .unwrap();
    assert_eq!(
        ok.text.as_str(),
        r#"INSERT INTO "t" ("id") VALUES (?) ON CONFLICT ("id") DO UPDATE SET "v"="excluded"."v" WHERE "x" IS NULL"#
    );
    // DO NOTHING updates no row, so a condition on the update has nothing to limit.
    let nothing = upsert(ConflictAction::DoNothing, cond()).unwrap();
    assert!(
        nothing.text.ends_with("ON CONFLICT DO NOTHING"),
        "{}",
        nothing.text
    );
}
