//! Golden SQL: statements built through the host's query API, rendered by the dialect
//! in a dry run ([`plugorm::Db::to_sql`]) and compared with the texts the dialect
//! declares. The kit names the statements ([`STATEMENTS`]); a dialect passes
//! `(name, expected SQL)` pairs to [`crate::Suite::golden`] — its own, or those of the
//! standard family it follows: [`SQLITE`], [`POSTGRES`], [`MYSQL`].
//!
//! ```
//! use plugorm_dialect_tests::golden;
//! let names: Vec<&str> = golden::STATEMENTS.iter().map(|s| s.name).collect();
//! assert!(names.contains(&"first"));
//! // Every family names only statements the kit has, each once.
//! for family in [golden::SQLITE, golden::POSTGRES, golden::MYSQL] {
//!     assert_eq!(family.len(), golden::STATEMENTS.len());
//!     assert!(family.iter().all(|(n, _)| names.contains(n)));
//! }
//! ```

use std::time::Instant;

use futures_util::future::BoxFuture;
use plugorm::{Db, Model, Value};

use crate::{Capability, CheckResult, Outcome};

/// The model every golden statement is built on: table `kit_golden`, key `id`.
///
/// ```
/// use plugorm::Model;
/// assert_eq!(plugorm_dialect_tests::golden::Golden::schema().table, "kit_golden");
/// ```
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_golden")]
pub struct Golden {
    /// The key.
    pub id: i64,
    /// A text column.
    pub name: String,
    /// An integer column.
    pub qty: i64,
}

/// One statement: its name, the builder call that makes it, and how the kit runs it.
///
/// ```
/// let first = &plugorm_dialect_tests::golden::STATEMENTS[0];
/// assert_eq!(first.name, "first");
/// assert!(first.call.contains("first()"));
/// ```
pub struct GoldenStatement {
    /// The name a dialect's expected texts refer to.
    pub name: &'static str,
    /// The builder call, as written against [`Golden`].
    pub call: &'static str,
    build: fn(Db) -> BoxFuture<'static, plugorm::Result<()>>,
}

/// Every golden statement the kit can render.
///
/// ```
/// assert!(plugorm_dialect_tests::golden::STATEMENTS.len() >= 10);
/// ```
pub static STATEMENTS: &[GoldenStatement] = &[
    GoldenStatement {
        name: "first",
        call: "db.model::<Golden>().first()",
        build: |db| Box::pin(async move { db.model::<Golden>().first().await.map(drop) }),
    },
    GoldenStatement {
        name: "first_by_id",
        call: "db.model::<Golden>().id(10).first()",
        build: |db| Box::pin(async move { db.model::<Golden>().id(10).first().await.map(drop) }),
    },
    GoldenStatement {
        name: "where_take",
        call: "db.model::<Golden>().filter(\"name = ?\", (\"x\",)).take()",
        build: |db| {
            Box::pin(async move {
                db.model::<Golden>()
                    .filter("name = ?", ("x",))
                    .take()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "order_limit_offset",
        call: "db.model::<Golden>().order(\"qty desc\").limit(10).offset(5).find()",
        build: |db| {
            Box::pin(async move {
                db.model::<Golden>()
                    .order("qty desc")
                    .limit(10)
                    .offset(5)
                    .find()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "in_list",
        call: "db.model::<Golden>().ids([1, 2, 3]).find()",
        build: |db| {
            Box::pin(async move { db.model::<Golden>().ids([1, 2, 3]).find().await.map(drop) })
        },
    },
    GoldenStatement {
        name: "not_in",
        call: "db.model::<Golden>().not_in(\"name\", [\"a\", \"b\"])?.find()",
        build: |db| {
            Box::pin(async move {
                db.model::<Golden>()
                    .not_in("name", [Value::from("a"), Value::from("b")])?
                    .find()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "grouped_conditions",
        call: "q.where_group(q.filter(\"name = ?\", (\"a\",)).where_group(q.filter(\"qty = ?\", (1,)).or(\"qty = ?\", (2,)))).or_group(q.filter(\"name = ?\", (\"b\",)).filter(\"qty = ?\", (3,))).find() (GORM's G32), q = db.model::<Golden>()",
        build: |db| {
            Box::pin(async move {
                let q = db.model::<Golden>();
                q.clone()
                    .where_group(
                        q.clone().filter("name = ?", ("a",)).where_group(
                            q.clone().filter("qty = ?", (1,)).or("qty = ?", (2,)),
                        ),
                    )
                    .or_group(q.clone().filter("name = ?", ("b",)).filter("qty = ?", (3,)))
                    .find()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "not_group",
        call: "q.not_group(q.filter(\"qty = ?\", (1,)).or(\"qty = ?\", (2,))).find(), q = db.model::<Golden>()",
        build: |db| {
            Box::pin(async move {
                let q = db.model::<Golden>();
                q.clone()
                    .not_group(q.clone().filter("qty = ?", (1,)).or("qty = ?", (2,)))
                    .find()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "count",
        call: "db.model::<Golden>().count()",
        build: |db| Box::pin(async move { db.model::<Golden>().count().await.map(drop) }),
    },
    GoldenStatement {
        name: "count_distinct",
        call: "db.model::<Golden>().distinct().select(&[\"name\"]).count()",
        build: |db| {
            Box::pin(async move {
                db.model::<Golden>()
                    .distinct()
                    .select(&["name"])
                    .count()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "group_having",
        call: "db.model::<Golden>().select(&[\"name\"]).group(\"name\").having(\"count(*) > ?\", (1,)).find()",
        build: |db| {
            Box::pin(async move {
                db.model::<Golden>()
                    .select(&["name"])
                    .group("name")
                    .having("count(*) > ?", (1,))
                    .find()
                    .await
                    .map(drop)
            })
        },
    },
    GoldenStatement {
        name: "create",
        call: "db.create(&mut Golden { name: \"a\".into(), qty: 1, ..Default::default() })",
        build: |db| {
            Box::pin(async move {
                let mut g = Golden {
                    name: "a".into(),
                    qty: 1,
                    ..Default::default()
                };
                db.create(&mut g).await.map(drop)
            })
        },
    },
    GoldenStatement {
        name: "update_by_id",
        call: "db.model::<Golden>().id(3).update(\"qty\", 5)",
        build: |db| {
            Box::pin(async move { db.model::<Golden>().id(3).update("qty", 5).await.map(drop) })
        },
    },
    GoldenStatement {
        name: "delete_by_id",
        call: "db.model::<Golden>().id(3).delete()",
        build: |db| Box::pin(async move { db.model::<Golden>().id(3).delete().await.map(drop) }),
    },
];

/// The SQLite family: backtick quoting, `?` parameters, literal LIMIT / OFFSET,
/// `RETURNING`.
///
/// ```
/// assert!(plugorm_dialect_tests::golden::SQLITE[0].1.starts_with("SELECT * FROM `kit_golden`"));
/// ```
pub const SQLITE: &[(&str, &str)] = &[
    (
        "first",
        "SELECT * FROM `kit_golden` ORDER BY `kit_golden`.`id` LIMIT 1",
    ),
    (
        "first_by_id",
        "SELECT * FROM `kit_golden` WHERE `kit_golden`.`id` = ? ORDER BY `kit_golden`.`id` LIMIT 1",
    ),
    (
        "where_take",
        "SELECT * FROM `kit_golden` WHERE name = ? LIMIT 1",
    ),
    (
        "order_limit_offset",
        "SELECT * FROM `kit_golden` ORDER BY qty desc LIMIT 10 OFFSET 5",
    ),
    (
        "in_list",
        "SELECT * FROM `kit_golden` WHERE `kit_golden`.`id` IN (?,?,?)",
    ),
    (
        "not_in",
        "SELECT * FROM `kit_golden` WHERE `kit_golden`.`name` NOT IN (?,?)",
    ),
    ("grouped_conditions", "SELECT * FROM `kit_golden` WHERE (name = ? AND (qty = ? OR qty = ?)) OR (name = ? AND qty = ?)"),
    ("not_group", "SELECT * FROM `kit_golden` WHERE NOT (qty = ? OR qty = ?)"),
    ("count", "SELECT count(*) FROM `kit_golden`"),
    (
        "count_distinct",
        "SELECT COUNT(DISTINCT(`name`)) FROM `kit_golden`",
    ),
    (
        "group_having",
        "SELECT `name` FROM `kit_golden` GROUP BY `name` HAVING count(*) > ?",
    ),
    (
        "create",
        "INSERT INTO `kit_golden` (`name`,`qty`) VALUES (?,?) RETURNING `id`",
    ),
    (
        "update_by_id",
        "UPDATE `kit_golden` SET `qty`=? WHERE `kit_golden`.`id` = ?",
    ),
    (
        "delete_by_id",
        "DELETE FROM `kit_golden` WHERE `kit_golden`.`id` = ?",
    ),
];

/// The PostgreSQL family: double-quote quoting, `$n` parameters, bound LIMIT / OFFSET,
/// `RETURNING`.
///
/// ```
/// assert!(plugorm_dialect_tests::golden::POSTGRES[0].1.starts_with(r#"SELECT * FROM "kit_golden""#));
/// ```
pub const POSTGRES: &[(&str, &str)] = &[
    (
        "first",
        r#"SELECT * FROM "kit_golden" ORDER BY "kit_golden"."id" LIMIT $1"#,
    ),
    (
        "first_by_id",
        r#"SELECT * FROM "kit_golden" WHERE "kit_golden"."id" = $1 ORDER BY "kit_golden"."id" LIMIT $2"#,
    ),
    (
        "where_take",
        r#"SELECT * FROM "kit_golden" WHERE name = $1 LIMIT $2"#,
    ),
    (
        "order_limit_offset",
        r#"SELECT * FROM "kit_golden" ORDER BY qty desc LIMIT $1 OFFSET $2"#,
    ),
    (
        "in_list",
        r#"SELECT * FROM "kit_golden" WHERE "kit_golden"."id" IN ($1,$2,$3)"#,
    ),
    (
        "not_in",
        r#"SELECT * FROM "kit_golden" WHERE "kit_golden"."name" NOT IN ($1,$2)"#,
    ),
    (
        "grouped_conditions",
        r#"SELECT * FROM "kit_golden" WHERE (name = $1 AND (qty = $2 OR qty = $3)) OR (name = $4 AND qty = $5)"#,
    ),
    (
        "not_group",
        r#"SELECT * FROM "kit_golden" WHERE NOT (qty = $1 OR qty = $2)"#,
    ),
    ("count", r#"SELECT count(*) FROM "kit_golden""#),
    (
        "count_distinct",
        r#"SELECT COUNT(DISTINCT("name")) FROM "kit_golden""#,
    ),
    (
        "group_having",
        r#"SELECT "name" FROM "kit_golden" GROUP BY "name" HAVING count(*) > $1"#,
    ),
    (
        "create",
        r#"INSERT INTO "kit_golden" ("name","qty") VALUES ($1,$2) RETURNING "id""#,
    ),
    (
        "update_by_id",
        r#"UPDATE "kit_golden" SET "qty"=$1 WHERE "kit_golden"."id" = $2"#,
    ),
    (
        "delete_by_id",
        r#"DELETE FROM "kit_golden" WHERE "kit_golden"."id" = $1"#,
    ),
];

/// The standard family — what plugin-api's default renderer writes, for a dialect that
/// overrides none of it: double-quote quoting, `?` parameters, bound LIMIT / OFFSET,
/// `RETURNING`.
///
/// ```
/// assert!(plugorm_dialect_tests::golden::STANDARD[0].1.ends_with("LIMIT ?"));
/// ```
pub const STANDARD: &[(&str, &str)] = &[
    (
        "first",
        r#"SELECT * FROM "kit_golden" ORDER BY "kit_golden"."id" LIMIT ?"#,
    ),
    (
        "first_by_id",
        r#"SELECT * FROM "kit_golden" WHERE "kit_golden"."id" = ? ORDER BY "kit_golden"."id" LIMIT ?"#,
    ),
    (
        "where_take",
        r#"SELECT * FROM "kit_golden" WHERE name = ? LIMIT ?"#,
    ),
    (
        "order_limit_offset",
        r#"SELECT * FROM "kit_golden" ORDER BY qty desc LIMIT ? OFFSET ?"#,
    ),
    (
        "in_list",
        r#"SELECT * FROM "kit_golden" WHERE "kit_golden"."id" IN (?,?,?)"#,
    ),
    (
        "not_in",
        r#"SELECT * FROM "kit_golden" WHERE "kit_golden"."name" NOT IN (?,?)"#,
    ),
    (
        "grouped_conditions",
        r#"SELECT * FROM "kit_golden" WHERE (name = ? AND (qty = ? OR qty = ?)) OR (name = ? AND qty = ?)"#,
    ),
    (
        "not_group",
        r#"SELECT * FROM "kit_golden" WHERE NOT (qty = ? OR qty = ?)"#,
    ),
    ("count", r#"SELECT count(*) FROM "kit_golden""#),
    (
        "count_distinct",
        r#"SELECT COUNT(DISTINCT("name")) FROM "kit_golden""#,
    ),
    (
        "group_having",
        r#"SELECT "name" FROM "kit_golden" GROUP BY "name" HAVING count(*) > ?"#,
    ),
    (
        "create",
        r#"INSERT INTO "kit_golden" ("name","qty") VALUES (?,?) RETURNING "id""#,
    ),
    (
        "update_by_id",
        r#"UPDATE "kit_golden" SET "qty"=? WHERE "kit_golden"."id" = ?"#,
    ),
    (
        "delete_by_id",
        r#"DELETE FROM "kit_golden" WHERE "kit_golden"."id" = ?"#,
    ),
];

/// The MySQL / MariaDB family: backtick quoting, `?` parameters, bound LIMIT / OFFSET,
/// no `RETURNING` (the key comes from `LAST_INSERT_ID()`).
///
/// ```
/// assert!(plugorm_dialect_tests::golden::MYSQL[0].1.starts_with("SELECT * FROM `kit_golden`"));
/// ```
pub const MYSQL: &[(&str, &str)] = &[
    (
        "first",
        "SELECT * FROM `kit_golden` ORDER BY `kit_golden`.`id` LIMIT ?",
    ),
    (
        "first_by_id",
        "SELECT * FROM `kit_golden` WHERE `kit_golden`.`id` = ? ORDER BY `kit_golden`.`id` LIMIT ?",
    ),
    (
        "where_take",
        "SELECT * FROM `kit_golden` WHERE name = ? LIMIT ?",
    ),
    (
        "order_limit_offset",
        "SELECT * FROM `kit_golden` ORDER BY qty desc LIMIT ? OFFSET ?",
    ),
    (
        "in_list",
        "SELECT * FROM `kit_golden` WHERE `kit_golden`.`id` IN (?,?,?)",
    ),
    (
        "not_in",
        "SELECT * FROM `kit_golden` WHERE `kit_golden`.`name` NOT IN (?,?)",
    ),
    ("grouped_conditions", "SELECT * FROM `kit_golden` WHERE (name = ? AND (qty = ? OR qty = ?)) OR (name = ? AND qty = ?)"),
    ("not_group", "SELECT * FROM `kit_golden` WHERE NOT (qty = ? OR qty = ?)"),
    ("count", "SELECT count(*) FROM `kit_golden`"),
    (
        "count_distinct",
        "SELECT COUNT(DISTINCT(`name`)) FROM `kit_golden`",
    ),
    (
        "group_having",
        "SELECT `name` FROM `kit_golden` GROUP BY `name` HAVING count(*) > ?",
    ),
    (
        "create",
        "INSERT INTO `kit_golden` (`name`,`qty`) VALUES (?,?)",
    ),
    (
        "update_by_id",
        "UPDATE `kit_golden` SET `qty`=? WHERE `kit_golden`.`id` = ?",
    ),
    (
        "delete_by_id",
        "DELETE FROM `kit_golden` WHERE `kit_golden`.`id` = ?",
    ),
];

/// Renders a statement through `db`'s dialect in a dry run: its SQL text.
///
/// ```no_run
/// # async fn t(db: plugorm::Db) {
/// let s = &plugorm_dialect_tests::golden::STATEMENTS[0];
/// println!("{}", plugorm_dialect_tests::golden::render(&db, s).await.unwrap());
/// # }
/// ```
pub async fn render(db: &Db, statement: &GoldenStatement) -> plugorm::Result<String> {
    let fixed = db.with_now(|| chrono::DateTime::from_timestamp(0, 0).unwrap_or_default());
    let sql = fixed.to_sql(statement.build).await?;
    Ok(sql.text.to_string())
}

/// One result per declared statement; one skipped result when none is declared.
pub(crate) async fn run(db: &Db, declared: &[(String, String)]) -> Vec<CheckResult> {
    if declared.is_empty() {
        return vec![CheckResult {
            capability: Capability::GoldenSql,
            name: "statements".into(),
            outcome: Outcome::Skipped(
                "the dialect declares no golden statements (Suite::golden)".into(),
            ),
            elapsed: Default::default(),
        }];
    }
    let mut results = Vec::new();
    for (name, expected) in declared {
        let started = Instant::now();
        let outcome = match STATEMENTS.iter().find(|s| s.name == name) {
            None => Outcome::Failed(format!(
                "no golden statement is named `{name}`; the kit has: {}",
                STATEMENTS
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(statement) => match render(db, statement).await {
                Err(e) => Outcome::Failed(format!("`{}` did not render: {e}", statement.call)),
                Ok(text) if text == *expected => Outcome::Passed,
                Ok(text) => Outcome::Failed(format!(
                    "`{}` rendered\n    {text}\n  expected\n    {expected}",
                    statement.call
                )),
            },
        };
        results.push(CheckResult {
            capability: Capability::GoldenSql,
            name: name.clone(),
            outcome,
            elapsed: started.elapsed(),
        });
    }
    results
}
