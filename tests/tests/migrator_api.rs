//! GORM's Migrator interface beyond AutoMigrate, on every backend: RenameTable (G130,
//! by model and by name) and RenameIndex (G134's rename), each rendered text checked
//! against GORM's and then run, with the errors naming what was wrong; GetTables and
//! CurrentDatabase; CreateView / DropView of an ORM query;
//! ColumnTypes.

use plugorm::{
    migrator::{CheckOption, ViewOption},
    plugin_api::{
        migrate::Ddl,
        schema::{DataType, ModelSchema},
        statement::TableRef,
    },
    DbError,
};
use plugorm_tests::{
    golden_models::UserV1,
    hand_schema::{auto_id, db_err, describe, index, model, named, ok, render},
    matrix::Backend,
};

plugorm_tests::matrix!(
    rename_table_g130_by_model_and_by_name,
    renaming_a_missing_table_names_it,
    rename_index_g134_or_refused_on_sqlite,
    get_tables_lists_base_tables_and_current_database_names_it,
    create_view_of_an_orm_query_then_drop_it,
    column_types_read_the_catalog,
);

fn user_info_schema() -> ModelSchema {
    model(
        "UserInfo",
        "user_infos",
        vec![auto_id(), named("Name", "name", DataType::String)],
        vec![],
    )
}
plugorm_tests::schema_model!(
    /// G130's new name for `users`.
    UserInfo,
    user_info_schema
);

fn indexed_schema() -> ModelSchema {
    model(
        "UserIndex",
        "user_indices",
        vec![auto_id(), named("Name3", "name3", DataType::String)],
        vec![index("idx_user_indices_name3", false, &["name3"])],
    )
}
plugorm_tests::schema_model!(
    /// G134's table with one plain index.
    Indexed,
    indexed_schema
);

/// G130, `users` → `user_infos`.
fn g130(backend: Backend) -> &'static str {
    backend.pick(
        "ALTER TABLE `users` RENAME TO `user_infos`",
        r#"ALTER TABLE "users" RENAME TO "user_infos""#,
        "ALTER TABLE `users` RENAME TO `user_infos`",
    )
}

async fn rename_table_g130_by_model_and_by_name(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let m = db.migrator();
    let rename = Ddl::RenameTable {
        table: TableRef::new("users"),
        to: "user_infos".into(),
    };
    assert_eq!(render(&db, &rename), [g130(backend)]);

    ok(m.create_table::<UserV1>().await, "users");
    let report = ok(m.rename_table::<UserV1, UserInfo>().await, "G130");
    assert_eq!(report.statements, [g130(backend)]);
    assert_eq!(report.table, "users");
    assert!(!ok(m.has_table::<UserV1>().await, "old name gone"));
    assert!(ok(m.has_table::<UserInfo>().await, "new name"));
    // The columns moved with the table.
    assert!(ok(m.has_column::<UserInfo>("name").await, "name kept"));

    // By name, back again.
    let report = ok(m.rename_table_named("user_infos", "users").await, "back");
    assert_eq!(
        report.statements,
        [backend.pick(
            "ALTER TABLE `user_infos` RENAME TO `users`",
            r#"ALTER TABLE "user_infos" RENAME TO "users""#,
            "ALTER TABLE `user_infos` RENAME TO `users`",
        )]
    );
    assert!(ok(m.has_table_named("users").await, "users again"));
    assert!(!ok(
        m.has_table_named("user_infos").await,
        "user_infos gone"
    ));
}

async fn renaming_a_missing_table_names_it(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let m = db.migrator();
    let err = db_err(
        m.rename_table_named("no_such_table", "other")
            .await
            .unwrap_err(),
    );
    let text = err.to_string();
    assert!(
        text.contains("renaming table `no_such_table` to `other`"),
        "{text}"
    );
    assert!(!ok(m.has_table_named("other").await, "nothing created"));

    // A new name in another schema is refused before anything runs.
    let err = db_err(m.rename_table_named("a", "elsewhere.b").await.unwrap_err());
    match err {
        DbError::Render(why) => assert!(why.contains("`elsewhere.b`"), "{why}"),
        other => panic!("expected Render, got {other:?}"),
    }
    // An empty new name is a render error naming the operation.
    let err = db_err(m.rename_table_named("a", "").await.unwrap_err());
    assert!(
        matches!(&err, DbError::Render(m) if m.contains("RENAME TABLE")),
        "{err:?}"
    );
}

async fn rename_index_g134_or_refused_on_sqlite(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let m = db.migrator();
    ok(m.create_table::<Indexed>().await, "user_indices");
    let renamed = m
        .rename_index::<Indexed>("idx_user_indices_name3", "idx_user_indices_name3_new")
        .await;
    let info = describe(&db, "user_indices").await;
    if backend == Backend::Sqlite {
        match db_err(renamed.unwrap_err()) {
            DbError::Unsupported(why) => assert!(
                why.contains("`idx_user_indices_name3`") && why.contains("`user_indices`"),
                "{why}"
            ),
            other => panic!("expected Unsupported, got {other:?}"),
        }
        assert!(info.index("idx_user_indices_name3").is_some());
        return;
    }
    // G134's rename text (MariaDB ≥ 10.5.2 has RENAME INDEX; GORM's version detection
    // would fall back to DROP + CREATE only before that).
    assert_eq!(
        ok(renamed, "G134 rename").statements,
        [backend.pick(
            "",
            r#"ALTER INDEX "idx_user_indices_name3" RENAME TO "idx_user_indices_name3_new""#,
            "ALTER TABLE `user_indices` RENAME INDEX `idx_user_indices_name3` TO `idx_user_indices_name3_new`",
        )]
    );
    assert!(info.index("idx_user_indices_name3").is_none());
    let new = info
        .index("idx_user_indices_name3_new")
        .expect("renamed index");
    assert_eq!(
        new.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["name3"]
    );

    // A missing index: the database's error, naming index and table.
    let err = db_err(
        m.rename_index::<Indexed>("idx_missing", "idx_other")
            .await
            .unwrap_err(),
    );
    let text = err.to_string();
    assert!(
        text.contains("renaming index `idx_missing` of table `user_indices`"),
        "{text}"
    );
}

async fn get_tables_lists_base_tables_and_current_database_names_it(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let m = db.migrator();
    assert!(ok(m.get_tables().await, "empty").is_empty());
    ok(m.create_table::<UserV1>().await, "users");
    ok(m.create_table::<Indexed>().await, "user_indices");
    // A view is not a table.
    ok(
        db.exec("CREATE VIEW user_names AS SELECT name FROM users", ())
            .await,
        "view",
    );
    assert_eq!(
        ok(m.get_tables().await, "tables"),
        ["user_indices", "users"]
    );
    ok(m.rename_table_named("users", "people").await, "rename");
    assert_eq!(
        ok(m.get_tables().await, "after rename"),
        ["people", "user_indices"]
    );

    // The database the test's URL names (SQLite's in-memory one is `main`).
    let expected = match backend {
        Backend::Sqlite => "main".to_string(),
        _ => {
            let path = db.url().split('?').next().unwrap_or_default();
            path.rsplit('/').next().unwrap_or_default().to_string()
        }
    };
    assert!(!expected.is_empty());
    assert_eq!(ok(m.current_database().await, "current"), expected);
}

/// `count(*)` of a table or view.
async fn count(db: &plugorm::Db, name: &str) -> i64 {
    let rows = ok(
        db.raw(&format!("SELECT count(*) AS n FROM {name}"), ())
            .await,
        "count",
    );
    ok(
        rows.row(0)
            .expect("one row")
            .get::<i64>("n")
            .map_err(Into::into),
        "n",
    )
}

async fn create_view_of_an_orm_query_then_drop_it(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let m = db.migrator();
    ok(m.create_table::<UserV1>().await, "users");
    for name in ["ann", "bob", "cy"] {
        ok(
            db.exec("INSERT INTO users (name) VALUES (?)", (name,))
                .await,
            "insert",
        );
    }
    let query = db.model::<UserV1>().filter("id > 1", ());
    let report = ok(
        m.create_view("later_users", ViewOption::new(query.clone()))
            .await,
        "create view",
    );
    assert_eq!(
        report.statements,
        [backend.pick(
            "CREATE VIEW `later_users` AS SELECT * FROM `users` WHERE id > 1",
            r#"CREATE VIEW "later_users" AS SELECT * FROM "users" WHERE id > 1"#,
            "CREATE VIEW `later_users` AS SELECT * FROM `users` WHERE id > 1",
        )]
    );
    assert_eq!(count(&db, "later_users").await, 2);
    // A view is not a table.
    assert_eq!(ok(m.get_tables().await, "tables"), ["users"]);

    // Replace (SQLite has no OR REPLACE: refused, naming the view).
    let narrower = db.model::<UserV1>().filter("id > 2", ());
    let replaced = m
        .create_view("later_users", ViewOption::new(narrower).replace(true))
        .await;
    if backend == Backend::Sqlite {
        match db_err(replaced.unwrap_err()) {
            DbError::Unsupported(why) => assert!(why.contains("`later_users`"), "{why}"),
            other => panic!("expected Unsupported, got {other:?}"),
        }
        assert_eq!(count(&db, "later_users").await, 2);
    } else {
        let report = ok(replaced, "replace");
        assert!(
            report.statements[0].starts_with("CREATE OR REPLACE VIEW"),
            "{:?}",
            report.statements
        );
        assert_eq!(count(&db, "later_users").await, 1);
    }

    // A check option: an INSERT through the view must satisfy its condition.
    let checked = m
        .create_view(
            "checked_users",
            ViewOption::new(query).check_option(CheckOption::Local),
        )
        .await;
    if backend == Backend::Sqlite {
        assert!(matches!(
            db_err(checked.unwrap_err()),
            DbError::Unsupported(_)
        ));
    } else {
        let report = ok(checked, "check option");
        assert!(
            report.statements[0].ends_with(" WITH LOCAL CHECK OPTION"),
            "{:?}",
            report.statements
        );
        let refused = db
            .exec(
                "INSERT INTO checked_users (id, name) VALUES (?, ?)",
                (1_i64, "zed"),
            )
            .await;
        assert!(refused.is_err(), "the check option let a row through");
        ok(m.drop_view("checked_users").await, "drop checked");
    }

    // A query with bound values is refused before anything runs, naming the view.
    let bound = db.model::<UserV1>().filter("id > ?", (1,));
    let err = db_err(
        m.create_view("bound_users", ViewOption::new(bound))
            .await
            .unwrap_err(),
    );
    match err {
        DbError::Render(why) => assert!(
            why.contains("`bound_users`") && why.contains("bound value"),
            "{why}"
        ),
        other => panic!("expected Render, got {other:?}"),
    }
    assert!(db
        .raw("SELECT count(*) AS n FROM bound_users", ())
        .await
        .is_err());

    // DropView, then again (IF EXISTS).
    let report = ok(m.drop_view("later_users").await, "drop view");
    assert_eq!(
        report.statements,
        [backend.pick(
            "DROP VIEW IF EXISTS `later_users`",
            r#"DROP VIEW IF EXISTS "later_users""#,
            "DROP VIEW IF EXISTS `later_users`",
        )]
    );
    assert!(db
        .raw("SELECT count(*) AS n FROM later_users", ())
        .await
        .is_err());
    ok(m.drop_view("later_users").await, "drop again");
}

fn typed_schema() -> ModelSchema {
    let mut code = named("Code", "code", DataType::String);
    code.size = 40;
    code.unique = true;
    code.not_null = true;
    let mut price = named("Price", "price", DataType::Decimal);
    price.precision = 10;
    price.scale = 2;
    price.nullable = true;
    let mut note = named("Note", "note", DataType::String);
    note.size = 20;
    note.nullable = true;
    note.default = Some("'none'".into()).into();
    // Quotes and a backslash: written as a literal in DDL (no bound values there).
    note.comment = Some(r"the note's text, C:\notes".into()).into();
    model(
        "Typed",
        "typed_rows",
        vec![auto_id(), code, price, note],
        vec![],
    )
}
plugorm_tests::schema_model!(
    /// A column of each kind `column_types` reports on.
    Typed,
    typed_schema
);

async fn column_types_read_the_catalog(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let m = db.migrator();
    assert!(ok(m.column_types::<Typed>().await, "no table").is_empty());
    ok(m.create_table::<Typed>().await, "typed_rows");
    let columns = ok(m.column_types::<Typed>().await, "column types");
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "code", "price", "note"]);
    let [id, code, price, note] = &columns[..] else {
        unreachable!()
    };
    assert!(id.primary_key && !code.primary_key);
    assert!(code.unique && !note.unique, "{code:?} {note:?}");
    assert!(!code.nullable && price.nullable && note.nullable);
    if backend == Backend::Sqlite {
        // The sqlite dialect declares strings `text` and decimals `text` (exact digits):
        // the catalog has no length or precision to report.
        assert_eq!((code.length, price.precision), (None, None), "{columns:?}");
    } else {
        assert_eq!(code.length, Some(40), "{code:?}");
        assert_eq!(note.length, Some(20), "{note:?}");
        assert_eq!(
            (price.precision, price.scale),
            (Some(10), Some(2)),
            "{price:?}"
        );
    }
    assert_eq!(price.length, None);
    let default = note.default.as_deref().unwrap_or_default();
    assert!(default.contains("none"), "{note:?}");
    assert_eq!(code.default, None, "{code:?}");
    assert!(
        code.column_type.starts_with(&code.database_type) && !code.database_type.contains('('),
        "{code:?}"
    );
    // Comments round-trip where the database keeps them; SQLite has none.
    let expected = (backend != Backend::Sqlite).then(|| r"the note's text, C:\notes".to_string());
    assert_eq!(note.comment, expected, "{note:?}");
    assert_eq!(code.comment, None);
}
