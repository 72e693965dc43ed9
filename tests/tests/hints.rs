//! The hints plugin (GORM's `hints`, goldens G135–G146): optimizer hints, comments and
//! index hints written where each dialect reads them, through each dialect's dry-run
//! database; what a dialect cannot express refused naming the hint; index hints kept to
//! their own table; hint settings refused when the plugin is not loaded; and hinted
//! queries that run on MariaDB and PostgreSQL.
//!
//! GORM writes MySQL's index-hint syntax on every dialect (only MySQL accepts it); here
//! MySQL's text is GORM's, and the others are each dialect's own form.

use plugorm::{Db, Error, Registry, Sql};
use plugorm_tests::{config, matrix::Backend};

const HINTS: &str = "[[plugin]]\nname = \"hints\"\n";

mod models {
    use plugorm::Model;

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "users")]
    pub struct User {
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "companies")]
    pub struct Company {
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "user2")]
    pub struct User2 {
        pub id: i64,
        pub name: String,
        pub company_id: Option<i64>,
        pub company: Option<Company>,
    }
}

use models::{Company, User, User2};

/// Each dialect's dry-run database with the hints plugin: (backend, database).
fn dry_databases() -> Vec<(Backend, Db)> {
    [
        (Backend::Sqlite, "", "sqlite::memory:"),
        (
            Backend::Postgres,
            "postgres",
            "postgres://nobody@no-such-host.invalid:1/x",
        ),
        (
            Backend::Mysql,
            "mysql",
            "mysql://nobody@no-such-host.invalid:1/x",
        ),
        (Backend::SqlServer, "sqlserver", "sqlserver://"),
    ]
    .into_iter()
    .map(|(backend, plugin, url)| {
        let dialect = if plugin.is_empty() {
            String::new()
        } else {
            format!("[[plugin]]\nname = \"{plugin}\"\n")
        };
        let registry = match Registry::load(&config(&format!("{dialect}{HINTS}"))) {
            Ok(r) => r,
            Err(e) => panic!("cannot load {} with the hints plugin: {e}", backend.name()),
        };
        match registry.open_dry_run(url) {
            Ok(db) => (backend, db),
            Err(e) => panic!("cannot open a dry-run {} database: {e}", backend.name()),
        }
    })
    .collect()
}

fn text(r: Result<Sql, Error>, what: &str) -> String {
    match r {
        Ok(sql) => sql.text.to_string(),
        Err(e) => panic!("{what}: {e}"),
    }
}

/// The SELECT of `User` with the session setting `key` = `value`.
async fn users_with(db: &Db, key: &str, value: &str) -> Result<Sql, Error> {
    db.plugin_setting(key, value)
        .model::<User>()
        .find_sql()
        .await
}

/// The UPDATE of G140/G145 with the session setting `key` = `value`.
async fn update_with(db: &Db, key: &str, value: &str) -> Result<Sql, Error> {
    db.to_sql(|tx| async move {
        tx.plugin_setting(key, value)
            .model::<User>()
            .filter("name = ?", ("xxx",))
            .update("name", "jinzhu")
            .await
    })
    .await
}

/// A refusal naming the hint and the dialect.
fn refused(r: Result<Sql, Error>, hint: &str, backend: Backend) {
    match r {
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains(hint), "{message}");
            assert!(message.contains(backend.name()), "{message}");
        }
        Ok(sql) => panic!("{} wrote {hint:?} as {}", backend.name(), sql.text),
    }
}

#[tokio::test]
async fn optimizer_hints_and_comments_g135_to_g141() {
    for (backend, db) in dry_databases() {
        let users = backend.pick4("`users`", "\"users\"", "`users`", "\"users\"");
        let g135 = text(users_with(&db, "hints:optimizer", "hint").await, "G135");
        let expected = match backend {
            Backend::SqlServer => format!("SELECT * FROM {users} OPTION (hint)"),
            _ => format!("SELECT /*+ hint */ * FROM {users}"),
        };
        assert_eq!(g135, expected, "G135 on {}", backend.name());
        let g136 = text(
            users_with(&db, "hints:comment", "select hint").await,
            "G136",
        );
        assert_eq!(g136, format!("SELECT /* hint */ * FROM {users}"), "G136");
        let g137 = text(
            users_with(&db, "hints:comment_before", "SELECT hint").await,
            "G137",
        );
        assert_eq!(g137, format!("/* hint */ SELECT * FROM {users}"), "G137");
        let g138 = text(
            users_with(&db, "hints:comment_after", "select hint").await,
            "G138",
        );
        assert_eq!(g138, format!("SELECT * /* hint */ FROM {users}"), "G138");
        let g139 = db
            .plugin_setting("hints:comment_after", "where hint")
            .model::<User>()
            .filter("id = ?", (1,))
            .find_sql()
            .await;
        let mark = backend.pick4("?", "$1", "?", "@p1");
        assert_eq!(
            text(g139, "G139"),
            format!("SELECT * FROM {users} WHERE id = {mark} /* hint */"),
            "G139"
        );
        let g140 = text(update_with(&db, "hints:optimizer", "hint").await, "G140");
        let expected = backend.pick4(
            "UPDATE /*+ hint */ `users` SET `name`=? WHERE name = ?",
            r#"UPDATE /*+ hint */ "users" SET "name"=$1 WHERE name = $2"#,
            "UPDATE /*+ hint */ `users` SET `name`=? WHERE name = ?",
            r#"UPDATE "users" SET "name"=@p1 WHERE name = @p2 OPTION (hint)"#,
        );
        assert_eq!(g140, expected, "G140 on {}", backend.name());
        let two = "MAX_EXECUTION_TIME(100)\nUSE_INDEX(t1, idx1)";
        let g141 = text(users_with(&db, "hints:optimizer", two).await, "G141");
        let expected = match backend {
            Backend::SqlServer => {
                format!(
                    "SELECT * FROM {users} OPTION (MAX_EXECUTION_TIME(100), USE_INDEX(t1, idx1))"
                )
            }
            _ => {
                format!("SELECT /*+ MAX_EXECUTION_TIME(100) USE_INDEX(t1, idx1) */ * FROM {users}")
            }
        };
        assert_eq!(g141, expected, "G141 on {}", backend.name());
    }
}

#[tokio::test]
async fn index_hints_g142_to_g146_in_each_dialects_own_form() {
    for (backend, db) in dry_databases() {
        let g142 = users_with(&db, "hints:index", "users use user_name").await;
        let expected = backend.pick4(
            "SELECT * FROM `users` INDEXED BY \"user_name\"",
            r#"SELECT /*+ IndexScan(users user_name) */ * FROM "users""#,
            "SELECT * FROM `users` USE INDEX (`user_name`)",
            r#"SELECT * FROM "users" WITH (INDEX("user_name"))"#,
        );
        assert_eq!(text(g142, "G142"), expected, "G142 on {}", backend.name());

        let for_join = "users force for join user_name,user_id";
        let g143 = users_with(&db, "hints:index", for_join).await;
        let g144_value = format!("{for_join}\nusers ignore for group by user_name");
        let g144 = users_with(&db, "hints:index", &g144_value).await;
        if backend == Backend::Mysql {
            assert_eq!(
                text(g143, "G143"),
                "SELECT * FROM `users` FORCE INDEX FOR JOIN (`user_name`,`user_id`)"
            );
            assert_eq!(
                text(g144, "G144"),
                "SELECT * FROM `users` FORCE INDEX FOR JOIN (`user_name`,`user_id`) IGNORE INDEX FOR GROUP BY (`user_name`)"
            );
        } else {
            // Only MySQL scopes an index hint to the joins, ORDER BY or GROUP BY.
            refused(g143, for_join, backend);
            refused(g144, for_join, backend);
        }

        let g145 = update_with(&db, "hints:index", "users use user_name").await;
        match backend {
            // SQL Server takes no INDEX hint on an UPDATE's target.
            Backend::SqlServer => refused(g145, "users use user_name", backend),
            _ => assert_eq!(
                text(g145, "G145"),
                backend.pick(
                    "UPDATE `users` INDEXED BY \"user_name\" SET `name`=? WHERE name = ?",
                    r#"UPDATE /*+ IndexScan(users user_name) */ "users" SET "name"=$1 WHERE name = $2"#,
                    "UPDATE `users` USE INDEX (`user_name`) SET `name`=? WHERE name = ?",
                ),
                "G145 on {}",
                backend.name()
            ),
        }

        let g146 = db
            .plugin_setting("hints:index", "user2 force user_name")
            .model::<User2>()
            .join_relation("Company")
            .find_sql()
            .await;
        let expected = backend.pick4(
            "SELECT `user2`.`id`,`user2`.`name`,`user2`.`company_id`,`Company`.`id` AS `Company__id`,`Company`.`name` AS `Company__name` FROM `user2` INDEXED BY \"user_name\" LEFT JOIN `companies` `Company` ON `user2`.`company_id` = `Company`.`id`",
            r#"SELECT /*+ IndexScan(user2 user_name) */ "user2"."id","user2"."name","user2"."company_id","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "user2" LEFT JOIN "companies" "Company" ON "user2"."company_id" = "Company"."id""#,
            "SELECT `user2`.`id`,`user2`.`name`,`user2`.`company_id`,`Company`.`id` AS `Company__id`,`Company`.`name` AS `Company__name` FROM `user2` FORCE INDEX (`user_name`) LEFT JOIN `companies` `Company` ON `user2`.`company_id` = `Company`.`id`",
            r#"SELECT "user2"."id","user2"."name","user2"."company_id","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "user2" WITH (INDEX("user_name")) LEFT JOIN "companies" "Company" ON "user2"."company_id" = "Company"."id""#,
        );
        assert_eq!(text(g146, "G146"), expected, "G146 on {}", backend.name());
    }
}

#[tokio::test]
async fn an_index_hint_stays_on_its_own_table() {
    for (backend, db) in dry_databases() {
        let hinted = db.plugin_setting("hints:index", "users force user_name");
        let other = text(hinted.model::<Company>().find_sql().await, "companies");
        let companies = backend.pick4(
            "`companies`",
            "\"companies\"",
            "`companies`",
            "\"companies\"",
        );
        assert_eq!(
            other,
            format!("SELECT * FROM {companies}"),
            "{}",
            backend.name()
        );
        // A table named like it inside a string or a subquery is not its table either.
        let raw = hinted
            .to_sql(|tx| async move {
                tx.raw("SELECT 'FROM users' FROM (SELECT 1 AS users) t", ())
                    .await
            })
            .await;
        assert_eq!(
            text(raw, "raw"),
            "SELECT 'FROM users' FROM (SELECT 1 AS users) t",
            "{}",
            backend.name()
        );
    }
}

#[tokio::test]
async fn hint_settings_without_the_plugin_are_refused() {
    let registry = match Registry::load(&config("")) {
        Ok(r) => r,
        Err(e) => panic!("cannot load SQLite: {e}"),
    };
    let db = registry.open("sqlite::memory:").await.unwrap();
    let e = db
        .plugin_setting("hints:optimizer", "hint")
        .raw("SELECT 1", ())
        .await
        .unwrap_err();
    let message = e.to_string();
    assert!(message.contains("hints:optimizer"), "{message}");
    assert!(message.contains("plugin `hints`"), "{message}");
}

#[tokio::test]
async fn a_malformed_hint_is_the_statements_error() {
    let (_, db) = dry_databases().remove(0);
    let e = users_with(&db, "hints:optimizer", "x */ DROP TABLE users; /*")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("hints:optimizer"), "{e}");
    let e = users_with(&db, "hints:indexes", "users use a")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("hints:indexes"), "{e}");
}

async fn users_table(db: &Db, backend: Backend) {
    let create = backend.pick(
        "",
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name VARCHAR(64) NOT NULL)",
        "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL)",
    );
    db.exec(create, ()).await.unwrap();
    db.exec("CREATE INDEX user_name ON users (name)", ())
        .await
        .unwrap();
    db.exec("INSERT INTO users (name) VALUES ('a'), ('b'), ('a')", ())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_forced_index_query_runs_on_mariadb() {
    let Some(db) = Backend::Mysql.open(HINTS).await else {
        return;
    };
    users_table(&db, Backend::Mysql).await;
    let hinted = db
        .plugin_setting("hints:index", "users force user_name")
        .plugin_setting("hints:optimizer", "MAX_EXECUTION_TIME(10000)");
    let q = hinted.model::<User>().filter("name = ?", ("a",));
    let sql = q.find_sql().await.unwrap();
    assert_eq!(
        sql.text.as_str(),
        "SELECT /*+ MAX_EXECUTION_TIME(10000) */ * FROM `users` FORCE INDEX (`user_name`) WHERE name = ?"
    );
    assert_eq!(q.find().await.unwrap().len(), 2);
    let updated = hinted
        .model::<User>()
        .filter("name = ?", ("b",))
        .update("name", "c")
        .await
        .unwrap();
    assert_eq!(updated, 1);
}

#[tokio::test]
async fn a_hinted_query_runs_on_postgresql() {
    let Some(db) = Backend::Postgres.open(HINTS).await else {
        return;
    };
    users_table(&db, Backend::Postgres).await;
    // Without pg_hint_plan the hint is a comment PostgreSQL ignores.
    let hinted = db
        .plugin_setting("hints:index", "users use user_name")
        .plugin_setting("hints:comment_after", "where report");
    let q = hinted.model::<User>().filter("name = ?", ("a",));
    let sql = q.find_sql().await.unwrap();
    assert_eq!(
        sql.text.as_str(),
        r#"SELECT /*+ IndexScan(users user_name) */ * FROM "users" WHERE name = $1 /* report */"#
    );
    assert_eq!(q.find().await.unwrap().len(), 2);
}

#[tokio::test]
async fn typed_hints_accumulate_in_their_settings() {
    use plugorm::hints::{comment, force_index, ignore_index, optimizer};
    let (backend, db) = dry_databases().remove(2);
    assert_eq!(backend, Backend::Mysql);
    let hinted = db
        .hint(optimizer("MAX_EXECUTION_TIME(100)"))
        .hint(optimizer("USE_INDEX(t1, idx1)"))
        .hint(force_index("users", ["user_name", "user_id"]).for_join())
        .hint(ignore_index("users", ["user_name"]).for_group_by())
        .hint(comment("select", "hint"));
    let sql = text(hinted.model::<User>().find_sql().await, "typed");
    assert_eq!(
        sql,
        "SELECT /*+ MAX_EXECUTION_TIME(100) USE_INDEX(t1, idx1) */ /* hint */ * FROM `users` \
         FORCE INDEX FOR JOIN (`user_name`,`user_id`) IGNORE INDEX FOR GROUP BY (`user_name`)"
    );
}
