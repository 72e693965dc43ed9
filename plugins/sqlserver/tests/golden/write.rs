//! INSERT, UPDATE and DELETE entries: `OUTPUT` in place of `RETURNING`, statements of
//! inserts ending in `;`.

use plugorm_plugin_api::{
    statement::{Assignment, Delete, Expr, Insert, Select, Statement, TableRef, Update},
    types::Boxed,
    Dialect, Value,
};

use crate::common::{alive, raw, render, text, USER_COLUMNS};

/// An INSERT of `rows` rows of `columns` (each value bound), reading `id` back.
pub fn insert(table: &str, columns: &[&str], rows: usize) -> Insert {
    let mut ins = Insert::new(TableRef::new(table), columns.iter().map(|c| (*c).into()));
    for r in 0..rows {
        ins.rows.push(
            (0..columns.len())
                .map(|c| Expr::value((r * columns.len() + c) as i64))
                .collect(),
        );
    }
    ins.returning.push("id".into());
    ins
}

#[test]
fn g72_create_one_reads_the_key_back_with_output() {
    let (sql, params) = render(Statement::Insert(insert("users", &USER_COLUMNS, 1)));
    assert_eq!(
        sql,
        r#"INSERT INTO "users" ("created_at","updated_at","deleted_at","name","age","active","company_id") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5,@p6,@p7);"#
    );
    assert_eq!(params, 7);
}

/// G73: a key set by the caller in the IDENTITY column (the host still asks for it
/// back) is written inside `SET IDENTITY_INSERT … ON; … OFF;`.
#[test]
fn g73_explicit_identity_key_turns_identity_insert_on() {
    let mut columns = USER_COLUMNS.to_vec();
    columns.push("id");
    let ins = insert("users", &columns, 1);
    assert_eq!(
        text(Statement::Insert(ins)),
        r#"SET IDENTITY_INSERT "users" ON;INSERT INTO "users" ("created_at","updated_at","deleted_at","name","age","active","company_id","id") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8);SET IDENTITY_INSERT "users" OFF;"#
    );
}

/// SQL Server refuses DEFAULT for an identity column while IDENTITY_INSERT is on, so a
/// batch mixing given and generated keys is refused before it is sent, naming the rows.
#[test]
fn a_batch_mixing_given_and_generated_identity_keys_is_refused() {
    let mut ins = insert("products", &["code", "id"], 3);
    ins.rows[1][1] = Expr::raw("DEFAULT", []);
    let err = plugorm_sqlserver::SqlServerDialect::new()
        .render(&Statement::Insert(ins))
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("identity column `id` of `products`"), "{msg}");
    assert!(msg.contains("(rows 1)"), "{msg}");
}

#[test]
fn g74_to_g79_batches_selected_and_map_columns() {
    assert_eq!(
        text(Statement::Insert(insert("products", &["code", "price"], 2))),
        r#"INSERT INTO "products" ("code","price") OUTPUT INSERTED."id" VALUES (@p1,@p2),(@p3,@p4);"#
    );
    assert_eq!(
        text(Statement::Insert(insert(
            "users",
            &["created_at", "updated_at", "name", "age"],
            1
        ))),
        r#"INSERT INTO "users" ("created_at","updated_at","name","age") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4);"#
    );
    assert_eq!(
        text(Statement::Insert(insert(
            "users",
            &["updated_at", "deleted_at", "active", "company_id"],
            1
        ))),
        r#"INSERT INTO "users" ("updated_at","deleted_at","active","company_id") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4);"#
    );
    assert_eq!(
        text(Statement::Insert(insert("users", &["age", "name"], 1))),
        r#"INSERT INTO "users" ("age","name") OUTPUT INSERTED."id" VALUES (@p1,@p2);"#
    );
}

#[test]
fn g80_sql_expression_value() {
    let mut ins = insert("users", &["age", "name"], 1);
    ins.rows[0] = vec![raw("?+1", [17i64.into()]), Expr::value("jinzhu")].into();
    assert_eq!(
        text(Statement::Insert(ins)),
        r#"INSERT INTO "users" ("age","name") OUTPUT INSERTED."id" VALUES (@p1+1,@p2);"#
    );
}

#[test]
fn rows_of_defaults_read_their_keys_back() {
    let one = insert("events", &[], 1);
    assert_eq!(
        text(Statement::Insert(one)),
        r#"INSERT INTO "events" OUTPUT INSERTED."id" DEFAULT VALUES;"#
    );
    let three = insert("events", &[], 3);
    assert_eq!(
        text(Statement::Insert(three)),
        r#"MERGE INTO "events" USING (VALUES (1),(1),(1)) AS excluded ("n") ON 1 = 0 WHEN NOT MATCHED THEN INSERT DEFAULT VALUES OUTPUT INSERTED."id";"#
    );
}

#[test]
fn more_rows_than_an_insert_values_list_holds_come_from_a_derived_table() {
    let (sql, params) = render(Statement::Insert(insert("products", &["code"], 1001)));
    assert!(
        sql.starts_with(r#"INSERT INTO "products" ("code") OUTPUT INSERTED."id" SELECT * FROM (VALUES (@p1),(@p2),"#),
        "{sql}"
    );
    assert!(
        sql.ends_with(r#",(@p1001)) AS excluded ("code");"#),
        "{sql}"
    );
    assert_eq!(params, 1001);
    let (sql, _) = render(Statement::Insert(insert("products", &["code"], 1000)));
    assert!(sql.contains(" VALUES (@p1),"), "{sql}");
}

fn set(pairs: &[(&str, Expr)]) -> Vec<Assignment> {
    pairs
        .iter()
        .map(|(c, v)| Assignment {
            column: (*c).into(),
            value: v.clone(),
        })
        .collect()
}

fn update(pairs: &[(&str, Expr)], conditions: Vec<Expr>) -> Update {
    let mut u = Update::new(TableRef::new("users"));
    u.set = set(pairs).into();
    u.conditions = conditions.into();
    u
}

fn by_id() -> Vec<Expr> {
    vec![alive("users"), Expr::bare_col("id").eq(111i64)]
}

fn v(x: impl Into<Value>) -> Expr {
    Expr::value(x)
}

#[test]
fn g91_to_g98_updates() {
    let u = update(&[("name", v("hello")), ("updated_at", v(0i64))], by_id());
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "name"=@p1,"updated_at"=@p2 WHERE "users"."deleted_at" IS NULL AND "id" = @p3"#
    );
    let u = update(
        &[("name", v("hello")), ("updated_at", v(0i64))],
        vec![raw("active = ?", [true.into()]), alive("users")],
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "name"=@p1,"updated_at"=@p2 WHERE active = @p3 AND "users"."deleted_at" IS NULL"#
    );
    let u = update(
        &[
            ("active", v(false)),
            ("age", v(18i64)),
            ("name", v("hello")),
            ("updated_at", v(0i64)),
        ],
        by_id(),
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "active"=@p1,"age"=@p2,"name"=@p3,"updated_at"=@p4 WHERE "users"."deleted_at" IS NULL AND "id" = @p5"#
    );
    let u = update(&[("name", v("hello"))], by_id());
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "name"=@p1 WHERE "users"."deleted_at" IS NULL AND "id" = @p2"#
    );
    let u = update(
        &[("name", v("Foo")), ("age", v(100i64))],
        vec![raw("id = ?", [100i64.into()]), alive("users")],
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "name"=@p1,"age"=@p2 WHERE id = @p3 AND "users"."deleted_at" IS NULL"#
    );
}

#[test]
fn g100_to_g102_sub_query_values_and_tables() {
    let mut company = Select::from_table(TableRef::new("companies"));
    company.column(Expr::bare_col("name"));
    company.filter(raw("companies.id = users.company_id", []));
    let u = update(
        &[
            ("company_name", Expr::Subquery(Boxed::new(company))),
            ("updated_at", v(0i64)),
        ],
        by_id(),
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "company_name"=(SELECT "name" FROM "companies" WHERE companies.id = users.company_id),"updated_at"=@p1 WHERE "users"."deleted_at" IS NULL AND "id" = @p2"#
    );
    let u = update(
        &[("age", v(18i64)), ("name", v("hello"))],
        vec![raw("id IN (?,?)", [10i64.into(), 11i64.into()])],
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "age"=@p1,"name"=@p2 WHERE id IN (@p3,@p4)"#
    );
}

#[test]
fn g104_update_output() {
    let mut u = update(
        &[
            ("age", raw("age * ?", [2i64.into()])),
            ("updated_at", v(0i64)),
        ],
        vec![raw("active = ?", [true.into()]), alive("users")],
    );
    u.returning.push("*".into());
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "age"=age * @p1,"updated_at"=@p2 OUTPUT INSERTED.* WHERE active = @p3 AND "users"."deleted_at" IS NULL"#
    );
}

#[test]
fn g106_to_g108_soft_deletes_are_updates() {
    let u = update(
        &[("deleted_at", v(0i64))],
        vec![Expr::col("users", "id").eq(10i64), alive("users")],
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "deleted_at"=@p1 WHERE "users"."id" = @p2 AND "users"."deleted_at" IS NULL"#
    );
    let u = update(
        &[("deleted_at", v(0i64))],
        vec![raw("name = ?", ["jinzhu".into()]), alive("users")],
    );
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "users" SET "deleted_at"=@p1 WHERE name = @p2 AND "users"."deleted_at" IS NULL"#
    );
}

fn delete(table: &str, condition: Expr) -> Delete {
    let mut d = Delete::new(TableRef::new(table));
    d.conditions.push(condition);
    d
}

#[test]
fn g109_to_g114_deletes() {
    let d = delete("users", Expr::col("users", "id").eq(10i64));
    assert_eq!(
        text(Statement::Delete(d)),
        r#"DELETE FROM "users" WHERE "users"."id" = @p1"#
    );
    let d = delete("products", raw("code LIKE ?", ["%D%".into()]));
    assert_eq!(
        text(Statement::Delete(d)),
        r#"DELETE FROM "products" WHERE code LIKE @p1"#
    );
    let mut d = delete("products", raw("price > ?", [100i64.into()]));
    d.returning.push("*".into());
    assert_eq!(
        text(Statement::Delete(d)),
        r#"DELETE FROM "products" OUTPUT DELETED.* WHERE price > @p1"#
    );
    let mut d = delete("products", raw("price > ?", [100i64.into()]));
    d.returning.push("code".into());
    d.returning.push("price".into());
    assert_eq!(
        text(Statement::Delete(d)),
        r#"DELETE FROM "products" OUTPUT "DELETED"."code","DELETED"."price" WHERE price > @p1"#
    );
}

#[test]
fn aliased_tables_are_written_through_from() {
    let mut u = Update::new(TableRef::new("users").alias("u"));
    u.set = set(&[("name", v("x"))]).into();
    u.conditions.push(Expr::col("u", "id").eq(1i64));
    u.returning.push("id".into());
    assert_eq!(
        text(Statement::Update(u)),
        r#"UPDATE "u" SET "name"=@p1 OUTPUT "INSERTED"."id" FROM "users" "u" WHERE "u"."id" = @p2"#
    );
    let mut d = Delete::new(TableRef::new("users").alias("u"));
    d.conditions.push(Expr::col("u", "id").eq(1i64));
    assert_eq!(
        text(Statement::Delete(d)),
        r#"DELETE "u" FROM "users" "u" WHERE "u"."id" = @p1"#
    );
}

/// G103's ORDER BY / LIMIT on a write: T-SQL's UPDATE and DELETE have neither, so the
/// write is refused (GORM's driver drops them, and the write then touches every
/// matching row).
#[test]
fn a_limited_update_or_delete_is_refused_never_widened() {
    let dialect = plugorm_sqlserver::SqlServerDialect::new();
    let mut up = Update::new(TableRef::new("users"));
    up.set.push(Assignment {
        column: "active".into(),
        value: Expr::value(false),
    });
    up.order_by
        .push(plugorm_plugin_api::statement::OrderBy::asc(Expr::raw(
            "id",
            [],
        )));
    up.limit = Some(10).into();
    let mut del = Delete::new(TableRef::new("users"));
    del.order_by
        .push(plugorm_plugin_api::statement::OrderBy::asc(Expr::raw(
            "id",
            [],
        )));
    for stmt in [Statement::Update(up), Statement::Delete(del)] {
        match plugorm_plugin_api::Dialect::render(&dialect, &stmt) {
            Err(plugorm_plugin_api::DbError::Unsupported(m)) => {
                assert!(m.contains("ORDER BY or LIMIT"), "{m}")
            }
            other => panic!("a limited write rendered: {other:?}"),
        }
    }
}
