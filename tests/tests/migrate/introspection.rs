//! Introspection of a table written by hand, on every backend: column types, sizes,
//! nullability, defaults and keys; unique, plain and expression indexes; a view that is no
//! table; names bound as parameters, never spliced.

use plugorm::plugin_api::statement::TableRef;
use plugorm_tests::{
    hand_schema::{describe, ok},
    matrix::Backend,
};

plugorm_tests::matrix!(introspection_reads_a_hand_written_table);

async fn introspection_reads_a_hand_written_table(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    // MariaDB has no expression indexes.
    let expression = backend.pick(
        Some("CREATE INDEX idx_accounts_expr ON accounts (lower(note))"),
        Some("CREATE INDEX idx_accounts_expr ON accounts (lower(note))"),
        None,
    );
    for ddl in [
        "CREATE TABLE accounts (code VARCHAR(12) NOT NULL, region CHAR(2) NOT NULL, \
         note VARCHAR(50) DEFAULT 'none', balance DECIMAL(10,2), PRIMARY KEY (code, region))",
        "CREATE UNIQUE INDEX uq_accounts_note ON accounts (note)",
        "CREATE UNIQUE INDEX uq_accounts_region_note ON accounts (region, note DESC)",
        "CREATE INDEX idx_accounts_region_note ON accounts (region, note)",
        "CREATE VIEW v_accounts AS SELECT code FROM accounts",
    ]
    .into_iter()
    .chain(expression)
    {
        ok(db.exec(ddl, ()).await, ddl);
    }
    let info = describe(&db, "accounts").await;
    assert!(info.exists);
    // Column names are matched without regard to case.
    let code = info.column("CODE").unwrap();
    assert_eq!(
        (
            code.sql_type.as_str(),
            code.size,
            code.nullable,
            code.primary_key
        ),
        ("varchar(12)", 12, false, true)
    );
    let region = info.column("region").unwrap();
    assert_eq!(
        (region.sql_type.as_str(), region.size, region.primary_key),
        ("char(2)", 2, true)
    );
    let note = info.column("note").unwrap();
    assert!(note.nullable && !note.primary_key);
    let default = note.default.as_ref().map(|d| d.to_string());
    match backend {
        Backend::Sqlite => assert_eq!(default.as_deref(), Some("'none'")),
        Backend::Postgres => assert_eq!(default.as_deref(), Some("'none'::character varying")),
        // MariaDB quotes it, MySQL does not.
        Backend::Mysql => assert!(
            matches!(default.as_deref(), Some("'none'") | Some("none")),
            "{default:?}"
        ),
        // SQL Server keeps a default's text in parentheses.
        Backend::SqlServer => assert_eq!(default.as_deref(), Some("('none')")),
    }
    let balance = info.column("balance").unwrap();
    assert_eq!(
        (balance.sql_type.as_str(), balance.size),
        (
            backend.pick("decimal(10,2)", "numeric(10,2)", "decimal(10,2)"),
            0
        )
    );
    assert!(balance.default.is_none());

    let columns_of = |name: &str| {
        let idx = info.index(name).unwrap_or_else(|| panic!("{name} missing"));
        let columns: Vec<&str> = idx.columns.iter().map(|c| c.as_str()).collect();
        (idx.unique, idx.primary, columns)
    };
    let pk = info.indexes.iter().find(|i| i.primary).unwrap();
    assert!(pk.unique);
    assert_eq!(
        pk.name.as_str(),
        backend.pick("sqlite_autoindex_accounts_1", "accounts_pkey", "PRIMARY")
    );
    assert_eq!(columns_of(&pk.name).2, ["code", "region"]);
    assert_eq!(columns_of("uq_accounts_note"), (true, false, vec!["note"]));
    assert_eq!(
        columns_of("uq_accounts_region_note"),
        (true, false, vec!["region", "note"])
    );
    assert_eq!(
        columns_of("idx_accounts_region_note"),
        (false, false, vec!["region", "note"])
    );
    if expression.is_some() {
        // An expression member has no column name.
        assert_eq!(columns_of("idx_accounts_expr"), (false, false, vec![]));
    }

    // Every value is a bound parameter, never spliced into the text; a missing table
    // does not exist, and neither does a view.
    let queries = db
        .dialect()
        .introspection_queries(&TableRef::new("x' OR 1=1 --"))
        .unwrap();
    assert!(queries
        .iter()
        .all(|q| !q.text.contains("OR 1=1") && !q.params.is_empty()));
    assert!(!describe(&db, "x' OR 1=1 --").await.exists);
    assert!(!describe(&db, "v_accounts").await.exists);
}
