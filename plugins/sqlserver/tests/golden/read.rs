//! SELECT entries: retrieval, conditions, ordering and paging, grouping, joins,
//! sub-queries, preloads, raw SQL and row locks.

use plugorm_plugin_api::{
    statement::{
        BinOp, Expr, FromItem, Join, JoinKind, Lock, LockStrength, LockWait, OrderBy, RawSql,
        Select, Statement, TableRef,
    },
    types::Boxed,
    Value,
};

use crate::common::{alive, first, list, model, raw, raw_args, render, text, USER_COLUMNS};

fn users() -> Select {
    let mut q = model("users");
    q.filter(alive("users"));
    q
}

/// The users matching `condition` and not soft-deleted.
fn alive_users_where(condition: Expr) -> Select {
    let mut q = model("users");
    q.filter(condition);
    q.filter(alive("users"));
    q
}

fn sel(q: Select) -> String {
    text(Statement::Select(q))
}

#[test]
fn g01_first() {
    let mut q = users();
    first(&mut q, "users");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
}

#[test]
fn g02_take_orders_by_the_unqualified_key() {
    let mut q = users();
    q.limit = Some(1).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
}

#[test]
fn g04_first_by_primary_key() {
    let mut q = model("users");
    q.filter(Expr::col("users", "id").eq(10i64));
    q.filter(alive("users"));
    first(&mut q, "users");
    let (sql, params) = render(Statement::Select(q));
    assert_eq!(
        sql,
        r#"SELECT * FROM "users" WHERE "users"."id" = @p1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
    assert_eq!(params, 1, "the limit is a literal, not a parameter");
}

#[test]
fn g05_first_without_soft_delete() {
    let mut q = model("products");
    first(&mut q, "products");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "products" ORDER BY "products"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
}

#[test]
fn g06_first_with_a_key_in_the_destination() {
    let mut q = users();
    q.filter(Expr::col("users", "id").eq(10i64));
    first(&mut q, "users");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL AND "users"."id" = @p1 ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
}

fn name_and_age(ops: BinOp) -> Expr {
    Expr::And(
        vec![
            Expr::col("users", "name").op(ops, Expr::value("foo")),
            Expr::col("users", "age").op(ops, Expr::value(20i64)),
        ]
        .into(),
    )
}

#[test]
fn g07_g08_order_limit_and_offset() {
    let mut q = alive_users_where(name_and_age(BinOp::Eq));
    q.order_by.push(OrderBy::asc(raw("name ASC", [])));
    q.order_by.push(OrderBy::asc(Expr::col("users", "id")));
    q.limit = Some(1).into();
    q.offset = Some(5).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE ("users"."name" = @p1 AND "users"."age" = @p2) AND "users"."deleted_at" IS NULL ORDER BY name ASC,"users"."id" OFFSET 5 ROWS FETCH NEXT 1 ROWS ONLY"#
    );
    let mut q = model("users");
    q.filter(Expr::col("users", "name").eq("bar"));
    q.filter(Expr::col("users", "age").eq(12i64));
    q.order_by.push(OrderBy::asc(raw("name ASC", [])));
    q.order_by.push(OrderBy::desc(Expr::col("users", "id")));
    q.limit = Some(1).into();
    q.offset = Some(5).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."name" = @p1 AND "users"."age" = @p2 ORDER BY name ASC,"users"."id" DESC OFFSET 5 ROWS FETCH NEXT 1 ROWS ONLY"#
    );
}

#[test]
fn g10_to_g14_find_conditions() {
    let mut q = model("users");
    q.filter(Expr::col("users", "id").in_values([1i64.into(), 2i64.into(), 3i64.into()]));
    q.filter(alive("users"));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."id" IN (@p1,@p2,@p3) AND "users"."deleted_at" IS NULL"#
    );
    let mut q = alive_users_where(raw("id = ?", [100i64.into()]));
    q.order_by.push(OrderBy::asc(raw("age desc", [])));
    q.limit = Some(10).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE id = @p1 AND "users"."deleted_at" IS NULL ORDER BY age desc OFFSET 0 ROW FETCH NEXT 10 ROWS ONLY"#
    );
    let mut q = alive_users_where(raw("name = ?", ["jinzhu".into()]));
    first(&mut q, "users");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE name = @p1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
    let q = alive_users_where(raw_args(
        "name IN ?",
        vec![list(["jinzhu".into(), "jinzhu 2".into()])],
    ));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE name IN (@p1,@p2) AND "users"."deleted_at" IS NULL"#
    );
    let q = alive_users_where(raw("name LIKE ?", ["%jin%".into()]));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE name LIKE @p1 AND "users"."deleted_at" IS NULL"#
    );
}

#[test]
fn g16_to_g20_struct_and_map_conditions() {
    let mut q = alive_users_where(name_and_age(BinOp::Eq));
    first(&mut q, "users");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE ("users"."name" = @p1 AND "users"."age" = @p2) AND "users"."deleted_at" IS NULL ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
    let q = alive_users_where(Expr::col("users", "name").eq("jinzhu"));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."name" = @p1 AND "users"."deleted_at" IS NULL"#
    );
    let q = alive_users_where(Expr::And(
        vec![
            Expr::col("users", "company_id").is_null(),
            Expr::col("users", "name").in_values(["a".into(), "b".into()]),
        ]
        .into(),
    ));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE ("users"."company_id" IS NULL AND "users"."name" IN (@p1,@p2)) AND "users"."deleted_at" IS NULL"#
    );
}

fn not_in(values: Vec<Value>) -> Expr {
    Expr::In {
        expr: Boxed::new(Expr::col("users", "name")),
        list: values.into_iter().map(Expr::value).collect(),
        negated: true,
    }
}

#[test]
fn g22_to_g26_not() {
    let q = alive_users_where(not_in(vec!["jinzhu".into(), "jinzhu 2".into()]));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."name" NOT IN (@p1,@p2) AND "users"."deleted_at" IS NULL"#
    );
    let q = alive_users_where(not_in(vec![]));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."name" IS NOT NULL AND "users"."deleted_at" IS NULL"#
    );
    let mut q = alive_users_where(name_and_age(BinOp::NotEq));
    first(&mut q, "users");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE ("users"."name" <> @p1 AND "users"."age" <> @p2) AND "users"."deleted_at" IS NULL ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
    let q = alive_users_where(!Expr::Or(
        vec![raw("manager IS NULL", []), raw("age >= ?", [20i64.into()])].into(),
    ));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE NOT (manager IS NULL OR age >= @p1) AND "users"."deleted_at" IS NULL"#
    );
}

#[test]
fn g28_to_g37_or_groups_and_raw_strings() {
    let q = alive_users_where(Expr::Or(
        vec![
            raw("name = ?", ["jinzhu".into()]),
            Expr::And(
                vec![
                    Expr::col("users", "name").eq("jinzhu 2"),
                    Expr::col("users", "age").eq(18i64),
                ]
                .into(),
            ),
        ]
        .into(),
    ));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE (name = @p1 OR ("users"."name" = @p2 AND "users"."age" = @p3)) AND "users"."deleted_at" IS NULL"#
    );
    let mut q = model("users");
    q.filter(Expr::Or(
        vec![
            raw("a = ? or b = ?", [1i64.into(), 2i64.into()]),
            raw("c = ? and d = ?", [3i64.into(), 4i64.into()]),
        ]
        .into(),
    ));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE (a = @p1 or b = @p2) OR (c = @p3 and d = @p4)"#
    );
    let mut q = model("users");
    q.filter(!raw("a = ? or b = ?", [1i64.into(), 2i64.into()]));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE NOT (a = @p1 or b = @p2)"#
    );
    let mut q = Select::from_table(TableRef::new("users"));
    q.filter(raw("age = 20", []));
    assert_eq!(sel(q), r#"SELECT * FROM "users" WHERE age = 20"#);
}

#[test]
fn g32_nested_groups() {
    let eq = |c: &str, v: &str| raw(&format!("{c} = ?"), [v.into()]);
    let mut q = Select::from_table(TableRef::new("pizzas"));
    q.filter(Expr::Or(
        vec![
            Expr::And(
                vec![
                    eq("pizza", "pepperoni"),
                    Expr::Or(vec![eq("size", "small"), eq("size", "medium")].into()),
                ]
                .into(),
            ),
            Expr::And(vec![eq("pizza", "hawaiian"), eq("size", "xlarge")].into()),
        ]
        .into(),
    ));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "pizzas" WHERE (pizza = @p1 AND (size = @p2 OR size = @p3)) OR (pizza = @p4 AND size = @p5)"#
    );
}

#[test]
fn g38_to_g48_select_order_and_paging() {
    let mut q = users();
    q.column(Expr::bare_col("name"));
    q.column(Expr::bare_col("age"));
    assert_eq!(
        sel(q),
        r#"SELECT "name","age" FROM "users" WHERE "users"."deleted_at" IS NULL"#
    );
    let mut q = users();
    q.column(Expr::col("users", "id"));
    q.column(Expr::col("users", "name"));
    q.limit = Some(10).into();
    assert_eq!(
        sel(q),
        r#"SELECT "users"."id","users"."name" FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "id" OFFSET 0 ROW FETCH NEXT 10 ROWS ONLY"#
    );
    let mut q = users();
    q.distinct = true;
    q.column(Expr::bare_col("name"));
    q.column(Expr::bare_col("age"));
    q.order_by.push(OrderBy::asc(raw("name, age desc", [])));
    assert_eq!(
        sel(q),
        r#"SELECT DISTINCT "name","age" FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY name, age desc"#
    );
    let mut q = users();
    q.order_by.push(OrderBy::asc(raw("age desc", [])));
    q.order_by.push(OrderBy::asc(raw("name", [])));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY age desc,name"#
    );
    let mut q = users();
    q.order_by.push(OrderBy::asc(raw(
        "FIELD(id,?,?,?)",
        [1i64.into(), 2i64.into(), 3i64.into()],
    )));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY FIELD(id,@p1,@p2,@p3)"#
    );
    let mut q = users();
    q.limit = Some(10).into();
    q.offset = Some(5).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "id" OFFSET 5 ROWS FETCH NEXT 10 ROWS ONLY"#
    );
    let mut q = users();
    q.offset = Some(3).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "id" OFFSET 3 ROWS"#
    );
    let mut q = Select::from_table(TableRef::new("users"));
    q.limit = Some(5).into();
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" ORDER BY (SELECT NULL) OFFSET 0 ROW FETCH NEXT 5 ROWS ONLY"#
    );
}

#[test]
fn g49_to_g56_group_having_count_pluck() {
    let mut q = users();
    q.column(raw("name, sum(age) as total", []));
    q.group_by.push(Expr::bare_col("name"));
    q.having.push(raw("sum(age) > ?", [100i64.into()]));
    assert_eq!(
        sel(q),
        r#"SELECT name, sum(age) as total FROM "users" WHERE "users"."deleted_at" IS NULL GROUP BY "name" HAVING sum(age) > @p1"#
    );
    let mut q = Select::from_table(TableRef::new("users"));
    q.column(raw("name, count(*) as total", []));
    q.group_by.push(Expr::bare_col("name"));
    q.having
        .push(raw_args("name IN ?", vec![list(["a".into(), "b".into()])]));
    assert_eq!(
        sel(q),
        r#"SELECT name, count(*) as total FROM "users" GROUP BY "name" HAVING name IN (@p1,@p2)"#
    );
    let mut q = users();
    q.column(Expr::Func {
        name: "COUNT".into(),
        args: vec![Expr::bare_col("name")].into(),
    });
    assert_eq!(
        sel(q),
        r#"SELECT COUNT("name") FROM "users" WHERE "users"."deleted_at" IS NULL"#
    );
    let mut q = Select::from_table(TableRef::new("deleted_users"));
    q.column(raw("count(*)", []));
    assert_eq!(sel(q), r#"SELECT count(*) FROM "deleted_users""#);
    let mut q = users();
    q.column(raw("count(*)", []));
    q.group_by.push(Expr::bare_col("name"));
    assert_eq!(
        sel(q),
        r#"SELECT count(*) FROM "users" WHERE "users"."deleted_at" IS NULL GROUP BY "name""#
    );
    let mut q = users();
    q.column(Expr::bare_col("age"));
    assert_eq!(
        sel(q),
        r#"SELECT "age" FROM "users" WHERE "users"."deleted_at" IS NULL"#
    );
}

fn user_columns(q: &mut Select) {
    q.column(Expr::col("users", "id"));
    for c in USER_COLUMNS {
        q.column(Expr::col("users", c));
    }
}

#[test]
fn g58_g59_relation_joins() {
    for (kind, extra, want) in [
        (
            JoinKind::Left,
            false,
            r#"LEFT JOIN "companies" "Company" ON "users"."company_id" = "Company"."id" WHERE"#,
        ),
        (
            JoinKind::Inner,
            true,
            r#"INNER JOIN "companies" "Company" ON "users"."company_id" = "Company"."id" AND "Company"."name" = @p1 WHERE"#,
        ),
    ] {
        let mut q = users();
        user_columns(&mut q);
        q.column(Expr::col("Company", "id").alias("Company__id"));
        q.column(Expr::col("Company", "name").alias("Company__name"));
        let mut on = Expr::col("users", "company_id").op(BinOp::Eq, Expr::col("Company", "id"));
        if extra {
            on = Expr::And(vec![on, Expr::col("Company", "name").eq("acme")].into());
        }
        q.joins.push(Join {
            kind,
            target: FromItem::Table(TableRef::new("companies").alias("Company")),
            on: Some(on).into(),
        });
        let sql = sel(q);
        assert!(
            sql.starts_with(r#"SELECT "users"."id","users"."created_at","users"."updated_at","users"."deleted_at","users"."name","users"."age","users"."active","users"."company_id","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "users" "#),
            "{sql}"
        );
        assert!(sql.contains(want), "{sql}");
        assert!(
            sql.ends_with(r#"WHERE "users"."deleted_at" IS NULL"#),
            "{sql}"
        );
    }
}

fn raw_join(sql: &str, args: Vec<Expr>) -> Join {
    Join {
        kind: JoinKind::Inner,
        target: FromItem::Raw(RawSql {
            sql: sql.into(),
            args: args.into(),
        }),
        on: None.into(),
    }
}

#[test]
fn g60_to_g62_raw_joins() {
    let mut q = users();
    q.column(raw("users.name, emails.email", []));
    q.joins.push(raw_join(
        "left join emails on emails.user_id = users.id",
        vec![],
    ));
    assert_eq!(
        sel(q),
        r#"SELECT users.name, emails.email FROM "users" left join emails on emails.user_id = users.id WHERE "users"."deleted_at" IS NULL"#
    );
    let mut q = users();
    user_columns(&mut q);
    q.joins.push(raw_join(
        "JOIN emails ON emails.user_id = users.id AND emails.email = ?",
        vec![Expr::value("a@b.c")],
    ));
    assert_eq!(
        sel(q),
        r#"SELECT "users"."id","users"."created_at","users"."updated_at","users"."deleted_at","users"."name","users"."age","users"."active","users"."company_id" FROM "users" JOIN emails ON emails.user_id = users.id AND emails.email = @p1 WHERE "users"."deleted_at" IS NULL"#
    );
    let mut invoices = Select::from_table(TableRef::new("table_invoices"));
    invoices.column(raw(
        "seller, SUM(total) as total, SUM(paid) as paid, SUM(balance) as balance",
        [],
    ));
    invoices.group_by.push(Expr::bare_col("seller"));
    let mut q = Select::from_table(TableRef::new("table_employees"));
    q.column(raw("id, name, iv.total, iv.paid, iv.balance", []));
    q.joins.push(raw_join(
        "LEFT JOIN (?) AS iv ON iv.seller = table_employees.id",
        vec![Expr::Subquery(Boxed::new(invoices))],
    ));
    assert_eq!(
        sel(q),
        r#"SELECT id, name, iv.total, iv.paid, iv.balance FROM "table_employees" LEFT JOIN (SELECT seller, SUM(total) as total, SUM(paid) as paid, SUM(balance) as balance FROM "table_invoices" GROUP BY "seller") AS iv ON iv.seller = table_employees.id"#
    );
}

#[test]
fn g64_to_g67_sub_queries_and_aliases() {
    let mut adults = Select::from_table(TableRef::new("users"));
    adults.column(raw("id", []));
    adults.filter(raw("age > ?", [18i64.into()]));
    let mut q = model("pets");
    q.filter(raw_args(
        "user_id IN (?)",
        vec![Expr::Subquery(Boxed::new(adults))],
    ));
    q.filter(alive("pets"));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "pets" WHERE user_id IN (SELECT id FROM "users" WHERE age > @p1) AND "pets"."deleted_at" IS NULL"#
    );
    let mut inner = users();
    inner.column(Expr::bare_col("name"));
    inner.column(Expr::bare_col("age"));
    let mut q = Select::empty();
    q.from = FromItem::Raw(RawSql {
        sql: "(?) as u".into(),
        args: vec![Expr::Subquery(Boxed::new(inner))].into(),
    });
    q.filter(raw("age = ?", [18i64.into()]));
    q.filter(alive("u"));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM (SELECT "name","age" FROM "users" WHERE "users"."deleted_at" IS NULL) as u WHERE age = @p1 AND "u"."deleted_at" IS NULL"#
    );
    let mut q = Select::empty();
    q.from = FromItem::Raw(RawSql::new("user as u", []));
    q.column(Expr::bare_col("name"));
    q.filter(alive("u"));
    assert_eq!(
        sel(q),
        r#"SELECT "name" FROM user as u WHERE "u"."deleted_at" IS NULL"#
    );
    let mut avg = Select::from_table(TableRef::new("users"));
    avg.column(raw("AVG(age)", []));
    avg.filter(raw("name LIKE ?", ["name%".into()]));
    let mut q = Select::from_table(TableRef::new("users"));
    q.column(raw("AVG(age) as avgage", []));
    q.group_by.push(Expr::bare_col("name"));
    q.having.push(raw_args(
        "AVG(age) > (?)",
        vec![Expr::Subquery(Boxed::new(avg))],
    ));
    assert_eq!(
        sel(q),
        r#"SELECT AVG(age) as avgage FROM "users" GROUP BY "name" HAVING AVG(age) > (SELECT AVG(age) FROM "users" WHERE name LIKE @p1)"#
    );
}

fn locked(wait: LockWait) -> Select {
    let mut q = users();
    q.lock = Some(Lock {
        strength: LockStrength::Update,
        of: Default::default(),
        wait,
    })
    .into();
    q
}

/// G68, G70, G71 differ on purpose: GORM writes `FOR UPDATE`, which T-SQL does not have;
/// the lock is a table hint after the table.
#[test]
fn g68_g70_g71_locks_are_table_hints() {
    assert_eq!(
        sel(locked(LockWait::Wait)),
        r#"SELECT * FROM "users" WITH (UPDLOCK, ROWLOCK) WHERE "users"."deleted_at" IS NULL"#
    );
    assert_eq!(
        sel(locked(LockWait::NoWait)),
        r#"SELECT * FROM "users" WITH (UPDLOCK, ROWLOCK, NOWAIT) WHERE "users"."deleted_at" IS NULL"#
    );
    let mut q = locked(LockWait::SkipLocked);
    first(&mut q, "users");
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "users" WITH (UPDLOCK, ROWLOCK, READPAST) WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" OFFSET 0 ROW FETCH NEXT 1 ROWS ONLY"#
    );
    let mut q = users();
    q.lock = Some(Lock {
        strength: LockStrength::Share,
        of: Default::default(),
        wait: LockWait::Wait,
    })
    .into();
    assert!(sel(q).contains(r#"FROM "users" WITH (HOLDLOCK, ROWLOCK) WHERE"#));
}

#[test]
fn g116_to_g119_preloads() {
    let mut q = model("pets");
    q.filter(Expr::col("pets", "user_id").in_values([1i64.into(), 2i64.into()]));
    q.filter(alive("pets"));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "pets" WHERE "pets"."user_id" IN (@p1,@p2) AND "pets"."deleted_at" IS NULL"#
    );
    let mut q = model("companies");
    q.filter(Expr::col("companies", "id").in_values([3i64.into(), 4i64.into()]));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "companies" WHERE "companies"."id" IN (@p1,@p2)"#
    );
    let mut q = Select::from_table(TableRef::new("user_languages"));
    q.filter(Expr::col("user_languages", "user_id").in_values([1i64.into(), 2i64.into()]));
    assert_eq!(
        sel(q),
        r#"SELECT * FROM "user_languages" WHERE "user_languages"."user_id" IN (@p1,@p2)"#
    );
}

#[test]
fn g120_to_g122_raw_statements() {
    let raw_stmt = |sql: &str, args: Vec<Expr>| {
        text(Statement::Raw(RawSql {
            sql: sql.into(),
            args: args.into(),
        }))
    };
    assert_eq!(
        raw_stmt(
            "SELECT id, name, age FROM users WHERE name = ?",
            vec![Expr::value("x")]
        ),
        "SELECT id, name, age FROM users WHERE name = @p1"
    );
    assert_eq!(
        raw_stmt(
            "UPDATE orders SET shipped_at = ? WHERE id IN ?",
            vec![
                Expr::value(0i64),
                list([1i64.into(), 2i64.into(), 3i64.into()])
            ]
        ),
        "UPDATE orders SET shipped_at = @p1 WHERE id IN (@p2,@p3,@p4)"
    );
    assert_eq!(
        raw_stmt("SELECT * FROM users ORDER BY id DESC", vec![]),
        "SELECT * FROM users ORDER BY id DESC"
    );
}
