//! The PostgreSQL plugin, loaded from its `.so` (or linked in with `--features static`):
//! the golden SQL of docs/golden-sql.md's postgres column rendered by the plugin alone, from
//! statement trees (no server needed). Through the host's dry run, every dialect's text
//! is in `golden.rs`.

use std::sync::Arc;

use plugorm::{
    plugin_api::{
        statement::{
            Assignment, Conflict, ConflictAction, Delete, Expr, Insert, Lock, LockStrength,
            LockWait, OrderBy, RawSql, Select, Statement, TableRef,
        },
        Dialect,
    },
    Value,
};
use plugorm_tests::postgres;

/// The PostgreSQL dialect as the host sees it (no server needed to render).
fn dialect() -> Arc<dyn Dialect> {
    let registry = postgres::registry_with("");
    match registry.dialect_for_scheme("postgres") {
        Some(d) => d,
        None => panic!("no dialect serves postgres://"),
    }
}

fn render(d: &dyn Dialect, stmt: Statement) -> (String, Vec<Value>) {
    match d.render(&stmt) {
        Ok(sql) => (
            sql.text.to_string(),
            sql.params
                .iter()
                .map(|p| p.as_enum().cloned().unwrap_or(Value::Null))
                .collect(),
        ),
        Err(e) => panic!("{stmt:?} did not render: {e}"),
    }
}

fn users() -> TableRef {
    TableRef::new("users")
}

fn soft_deleted(table: &str) -> Expr {
    Expr::col(table, "deleted_at").is_null()
}

fn lock(strength: LockStrength, wait: LockWait, of: &[&str]) -> Lock {
    Lock {
        strength,
        of: of.iter().map(|t| (*t).into()).collect(),
        wait,
    }
}

// ---------------------------------------------------------------------------------------
// Golden SQL rendered by the plugin from statement trees

#[test]
fn both_url_schemes_are_served() {
    let d = dialect();
    assert_eq!(d.name(), "postgres");
    assert_eq!(d.url_schemes(), ["postgres", "postgresql"]);
    let registry = postgres::registry_with("");
    assert!(registry.dialect_for_scheme("postgresql").is_some());
}

#[test]
fn golden_selects_bind_limit_and_offset() {
    let d = dialect();
    // G01 First.
    let mut q = Select::from_table(users());
    q.filter(soft_deleted("users"));
    q.order_by.push(OrderBy::asc(Expr::col("users", "id")));
    q.limit = Some(1).into();
    assert_eq!(
        render(&*d, Statement::Select(q.clone())),
        (
            r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $1"#.into(),
            vec![Value::I64(1)]
        )
    );
    // G04 First by primary key: the key's placeholder comes first.
    let mut by_id = q.clone();
    by_id
        .conditions
        .insert(0, Expr::col("users", "id").eq(10i64));
    assert_eq!(
        render(&*d, Statement::Select(by_id)),
        (
            r#"SELECT * FROM "users" WHERE "users"."id" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $2"#.into(),
            vec![Value::I64(10), Value::I64(1)]
        )
    );
    // G46 Limit + Offset, G47 Offset only, G48 Limit on a bare table.
    let mut page = Select::from_table(users());
    page.filter(soft_deleted("users"));
    page.limit = Some(10).into();
    page.offset = Some(5).into();
    assert_eq!(
        render(&*d, Statement::Select(page.clone())),
        (
            r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL LIMIT $1 OFFSET $2"#.into(),
            vec![Value::I64(10), Value::I64(5)]
        )
    );
    page.limit = None.into();
    page.offset = Some(3).into();
    assert_eq!(
        render(&*d, Statement::Select(page)).0,
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL OFFSET $1"#
    );
    let mut bare = Select::from_table(users());
    bare.limit = Some(5).into();
    assert_eq!(
        render(&*d, Statement::Select(bare)).0,
        r#"SELECT * FROM "users" LIMIT $1"#
    );
    // G10 Find by key list; G13 IN with a slice inside raw SQL.
    let mut ids = Select::from_table(users());
    ids.filter(Expr::col("users", "id").in_values([1i64.into(), 2i64.into(), 3i64.into()]));
    ids.filter(soft_deleted("users"));
    assert_eq!(
        render(&*d, Statement::Select(ids)).0,
        r#"SELECT * FROM "users" WHERE "users"."id" IN ($1,$2,$3) AND "users"."deleted_at" IS NULL"#
    );
    let mut names = Select::from_table(users());
    names.filter(Expr::Raw(RawSql {
        sql: "name IN ?".into(),
        args: vec![Expr::List(
            vec![Expr::value("jinzhu"), Expr::value("jinzhu 2")].into(),
        )]
        .into(),
    }));
    names.filter(soft_deleted("users"));
    assert_eq!(
        render(&*d, Statement::Select(names)).0,
        r#"SELECT * FROM "users" WHERE name IN ($1,$2) AND "users"."deleted_at" IS NULL"#
    );
}

#[test]
fn golden_locking_clauses() {
    let d = dialect();
    let locked = |l: Lock, first: bool| {
        let mut q = Select::from_table(users());
        q.filter(soft_deleted("users"));
        if first {
            q.order_by.push(OrderBy::asc(Expr::col("users", "id")));
            q.limit = Some(1).into();
        }
        q.lock = Some(l).into();
        render(&*d, Statement::Select(q)).0
    };
    // G68, G70, G71.
    assert_eq!(
        locked(lock(LockStrength::Update, LockWait::Wait, &[]), false),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL FOR UPDATE"#
    );
    assert_eq!(
        locked(lock(LockStrength::Update, LockWait::NoWait, &[]), false),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL FOR UPDATE NOWAIT"#
    );
    assert_eq!(
        locked(lock(LockStrength::Update, LockWait::SkipLocked, &[]), true),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $1 FOR UPDATE SKIP LOCKED"#
    );
    // PostgreSQL's other strengths and OF.
    assert_eq!(
        locked(
            lock(LockStrength::Share, LockWait::NoWait, &["users"]),
            false
        ),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL FOR SHARE OF "users" NOWAIT"#
    );
    assert_eq!(
        locked(lock(LockStrength::NoKeyUpdate, LockWait::Wait, &[]), false),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL FOR NO KEY UPDATE"#
    );
    assert_eq!(
        locked(
            lock(LockStrength::KeyShare, LockWait::SkipLocked, &["a", "b"]),
            false
        ),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL FOR KEY SHARE OF "a","b" SKIP LOCKED"#
    );
}

fn languages_insert() -> Insert {
    let mut ins = Insert::new(TableRef::new("languages"), ["code".into(), "name".into()]);
    ins.rows
        .push(vec![Expr::value("zh"), Expr::value("Chinese")].into());
    ins
}

#[test]
fn golden_inserts_returning_and_upserts() {
    let d = dialect();
    // G74 batch insert with the key read back.
    let mut ins = Insert::new(TableRef::new("products"), ["code".into(), "price".into()]);
    ins.rows
        .push(vec![Expr::value("A"), Expr::value(1i64)].into());
    ins.rows
        .push(vec![Expr::value("B"), Expr::value(2i64)].into());
    ins.returning.push("id".into());
    assert_eq!(
        render(&*d, Statement::Insert(ins)).0,
        r#"INSERT INTO "products" ("code","price") VALUES ($1,$2),($3,$4) RETURNING "id""#
    );
    // G80 an expression value.
    let mut ins = Insert::new(users(), ["age".into(), "name".into()]);
    ins.rows
        .push(vec![Expr::raw("?+1", [Value::I64(17)]), Expr::value("jinzhu")].into());
    ins.returning.push("id".into());
    assert_eq!(
        render(&*d, Statement::Insert(ins)).0,
        r#"INSERT INTO "users" ("age","name") VALUES ($1+1,$2) RETURNING "id""#
    );
    // G82 explicit assignment, G83 / G84 copy from excluded.
    let mut ins = languages_insert();
    ins.on_conflict = Some(Conflict {
        target: vec!["code".into()].into(),
        action: ConflictAction::Update(
            vec![Assignment {
                column: "name".into(),
                value: Expr::value("upsert-new"),
            }]
            .into(),
        ),
        condition: None.into(),
    })
    .into();
    assert_eq!(
        render(&*d, Statement::Insert(ins)),
        (
            r#"INSERT INTO "languages" ("code","name") VALUES ($1,$2) ON CONFLICT ("code") DO UPDATE SET "name"=$3"#.into(),
            vec!["zh".into(), "Chinese".into(), "upsert-new".into()]
        )
    );
    let mut ins = languages_insert();
    ins.on_conflict = Some(Conflict {
        target: vec!["code".into()].into(),
        action: ConflictAction::UpdateColumns(vec!["name".into()].into()),
        condition: None.into(),
    })
    .into();
    assert_eq!(
        render(&*d, Statement::Insert(ins)).0,
        r#"INSERT INTO "languages" ("code","name") VALUES ($1,$2) ON CONFLICT ("code") DO UPDATE SET "name"="excluded"."name""#
    );
    // G88 DO NOTHING (no target) with RETURNING.
    let mut ins = Insert::new(TableRef::new("companies"), ["name".into()]);
    ins.rows.push(vec![Expr::value("acme")].into());
    ins.on_conflict = Some(Conflict {
        target: vec!["id".into()].into(),
        action: ConflictAction::DoNothing,
        condition: None.into(),
    })
    .into();
    ins.returning.push("id".into());
    assert_eq!(
        render(&*d, Statement::Insert(ins)).0,
        r#"INSERT INTO "companies" ("name") VALUES ($1) ON CONFLICT DO NOTHING RETURNING "id""#
    );
}

#[test]
fn golden_deletes_returning_raw_sql_and_quoting() {
    let d = dialect();
    // G113 / G114.
    let mut del = Delete::new(TableRef::new("products"));
    del.conditions
        .push(Expr::raw("price > ?", [Value::I64(100)]));
    del.returning.push("*".into());
    assert_eq!(
        render(&*d, Statement::Delete(del.clone())).0,
        r#"DELETE FROM "products" WHERE price > $1 RETURNING *"#
    );
    del.returning = vec!["code".into(), "price".into()].into();
    assert_eq!(
        render(&*d, Statement::Delete(del)).0,
        r#"DELETE FROM "products" WHERE price > $1 RETURNING "code","price""#
    );
    // G120 / G121 raw SQL: `?` become `$n`, lists expand, `??` stays a `?` (jsonb).
    let raw = |sql: &str, args: Vec<Expr>| {
        render(
            &*d,
            Statement::Raw(RawSql {
                sql: sql.into(),
                args: args.into(),
            }),
        )
        .0
    };
    assert_eq!(
        raw(
            "SELECT id, name, age FROM users WHERE name = ?",
            vec![Expr::value("x")]
        ),
        "SELECT id, name, age FROM users WHERE name = $1"
    );
    assert_eq!(
        raw(
            "UPDATE orders SET shipped_at = ? WHERE id IN ?",
            vec![
                Expr::value(Value::Null),
                Expr::List(vec![Expr::value(1i64), Expr::value(2i64), Expr::value(3i64)].into()),
            ]
        ),
        "UPDATE orders SET shipped_at = $1 WHERE id IN ($2,$3,$4)"
    );
    assert_eq!(
        raw(
            "SELECT doc ?? 'k' FROM t WHERE id = ?",
            vec![Expr::value(1i64)]
        ),
        "SELECT doc ? 'k' FROM t WHERE id = $1"
    );
    // Identifiers are quoted, embedded quotes doubled; schema-qualified tables.
    let mut q = Select::from_table(TableRef::parse("app.we\"ird").alias("w"));
    q.filter(Expr::col("w", "va\"l").eq(1i64));
    assert_eq!(
        render(&*d, Statement::Select(q)).0,
        r#"SELECT * FROM "app"."we""ird" "w" WHERE "w"."va""l" = $1"#
    );
}
