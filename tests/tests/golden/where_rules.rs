//! How the query builder combines conditions: GORM's flat WHERE list (docs/golden-sql.md,
//! "Combining conditions"). `or` joins only the condition before it, AND binds tighter,
//! a list may not start with an OR, raw text with AND / OR is wrapped among others, and
//! groups exist only where the caller made them. Each chain's text is checked on every
//! dialect, and one chain is run for real to show which rows the flat rule selects.

use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(
    or_joins_only_the_condition_before_it,
    groups_exist_only_where_the_caller_made_them,
    soft_delete_narrows_the_whole_or_list,
    struct_and_map_conditions_as_gorm_writes_them,
    the_flat_or_rule_selects_the_rows_sql_precedence_gives,
);

/// SQLite's spelling of a statement turned into the backend's: PostgreSQL numbers its
/// placeholders `$1…` and SQL Server `@p1…`, both quote with `"`; MySQL writes what
/// SQLite writes for these statements.
fn expected(backend: Backend, sqlite: &str) -> String {
    let placeholder = match backend {
        Backend::Sqlite | Backend::Mysql => return sqlite.to_string(),
        Backend::Postgres => "$",
        Backend::SqlServer => "@p",
    };
    let mut out = String::new();
    let mut n = 0;
    for c in sqlite.chars() {
        match c {
            '?' => {
                n += 1;
                out.push_str(&format!("{placeholder}{n}"));
            }
            '`' => out.push('"'),
            c => out.push(c),
        }
    }
    out
}

/// The WHERE of the SELECT `q.find()` renders (a dry run: nothing is run).
async fn where_of(q: plugorm::Query<Product>) -> String {
    let sql = match q.find_sql().await {
        Ok(sql) => sql.text.to_string(),
        Err(e) => panic!("cannot render: {e}"),
    };
    match sql.split_once(" WHERE ") {
        Some((_, w)) => w.to_string(),
        None => String::new(),
    }
}

async fn or_joins_only_the_condition_before_it(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let q = || db.model::<Product>().unscoped();
    let cases = [
        (
            q().filter("a = ?", (1,)).or("b = ?", (2,)),
            "a = ? OR b = ?",
        ),
        (
            q().filter("a = ?", (1,))
                .or("b = ?", (2,))
                .filter("c = ?", (3,)),
            "a = ? OR b = ? AND c = ?",
        ),
        // A list may not start with an OR: the first plain condition moves to the front.
        (
            q().or("a = ?", (1,)).filter("b = ?", (2,)),
            "b = ? OR a = ?",
        ),
        // Raw text with AND / OR is wrapped among others, never when alone.
        (
            q().filter("a = ? OR b = ?", (1, 2)).filter("c = ?", (3,)),
            "(a = ? OR b = ?) AND c = ?",
        ),
        (q().filter("a = ? OR b = ?", (1, 2)), "a = ? OR b = ?"),
        (
            q().filter("a = ? or b = ?", (1, 2))
                .or("c = ? and d = ?", (3, 4)),
            "(a = ? or b = ?) OR (c = ? and d = ?)",
        ),
        // A struct condition is one group; ORed it keeps its parentheses.
        (
            q().filter("price > ?", (5,)).or_struct(&Product {
                code: "X".into(),
                price: 3,
                ..Default::default()
            }),
            "price > ? OR (`products`.`code` = ? AND `products`.`price` = ?)",
        ),
        (
            q().not("a = ?", (1,)).or("b = ?", (2,)),
            "NOT a = ? OR b = ?",
        ),
    ];
    for (query, sqlite) in cases {
        assert_eq!(where_of(query).await, expected(backend, sqlite));
    }
}

async fn groups_exist_only_where_the_caller_made_them(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let q = || db.model::<Product>().unscoped();
    let either = || q().filter("a = ?", (1,)).or("b = ?", (2,));
    let both = || q().filter("a = ?", (1,)).filter("b = ?", (2,));
    let cases = [
        (
            q().where_group(either()).filter("c = ?", (3,)),
            "(a = ? OR b = ?) AND c = ?",
        ),
        (
            q().filter("c = ?", (3,)).or_group(both()),
            "c = ? OR (a = ? AND b = ?)",
        ),
        (
            q().filter("c = ?", (3,)).or_group(either()),
            "c = ? OR (a = ? OR b = ?)",
        ),
        (q().not_group(either()), "NOT (a = ? OR b = ?)"),
        // GORM's pizza example: a group inside a group, ORed with a third.
        (
            q().where_group(
                q().filter("pizza = ?", ("pepperoni",)).where_group(
                    q().filter("size = ?", ("small",))
                        .or("size = ?", ("medium",)),
                ),
            )
            .or_group(
                q().filter("pizza = ?", ("hawaiian",))
                    .filter("size = ?", ("xlarge",)),
            ),
            "(pizza = ? AND (size = ? OR size = ?)) OR (pizza = ? AND size = ?)",
        ),
        // A nested query that is one OR is a plain condition.
        (
            q().filter("c = ?", (3,)).where_group(q().or("a = ?", (1,))),
            "c = ? AND a = ?",
        ),
    ];
    for (query, sqlite) in cases {
        assert_eq!(where_of(query).await, expected(backend, sqlite));
    }
}

async fn soft_delete_narrows_the_whole_or_list(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let q = || db.model::<Product>();
    let alive = "`products`.`deleted_at` IS NULL";
    let cases = [
        (
            q().filter("a = ?", (1,)).or("b = ?", (2,)),
            format!("(a = ? OR b = ?) AND {alive}"),
        ),
        (
            q().filter("a = ?", (1,))
                .or("b = ?", (2,))
                .filter("c = ?", (3,)),
            format!("(a = ? OR b = ? AND c = ?) AND {alive}"),
        ),
        // A lone OR has nothing to join: it is a plain condition.
        (q().or("a = ?", (1,)), format!("a = ? AND {alive}")),
        (
            q().filter("a = ?", (1,)).filter("b = ?", (2,)),
            format!("a = ? AND b = ? AND {alive}"),
        ),
    ];
    for (query, sqlite) in cases {
        assert_eq!(where_of(query).await, expected(backend, &sqlite));
    }
}

async fn the_flat_or_rule_selects_the_rows_sql_precedence_gives(backend: Backend) {
    let Some(db) = backend
        .products_with(&[("A", 1), ("B", 2), ("C", 2), ("D", 4)])
        .await
    else {
        return;
    };
    let codes = |q: plugorm::Query<Product>| async move {
        let mut found: Vec<String> = match q.find().await {
            Ok(rows) => rows.into_iter().map(|p| p.code).collect(),
            Err(e) => panic!("query failed: {e}"),
        };
        found.sort();
        found
    };
    let q = || db.model::<Product>();
    // price = 1 OR (price = 2 AND code = 'C'): A and C, not B.
    let flat = q()
        .filter("price = ?", (1,))
        .or("price = ?", (2,))
        .filter("code = ?", ("C",));
    assert_eq!(codes(flat).await, ["A", "C"]);
    // Grouped explicitly: (price = 1 OR price = 2) AND code = 'C': only C.
    let grouped = q()
        .where_group(q().filter("price = ?", (1,)).or("price = ?", (2,)))
        .filter("code = ?", ("C",));
    assert_eq!(codes(grouped).await, ["C"]);
    // A deleted row stays hidden from every branch of the OR.
    let mut a = match q().filter("code = ?", ("A",)).first().await {
        Ok(a) => a,
        Err(e) => panic!("cannot read A: {e}"),
    };
    if let Err(e) = db.delete(&mut a).await {
        panic!("cannot delete A: {e}");
    }
    let either = q().filter("price = ?", (1,)).or("price = ?", (4,));
    assert_eq!(codes(either).await, ["D"]);
    // Pages by key narrow every branch too: no row comes twice.
    let mut seen = Vec::new();
    let pages = q()
        .filter("price = ?", (2,))
        .or("price = ?", (4,))
        .find_in_batches(1, async |page: Vec<Product>| {
            seen.extend(page.into_iter().map(|p| p.code));
            Ok(true)
        })
        .await;
    assert_eq!(pages.ok(), Some(3));
    seen.sort();
    assert_eq!(seen, ["B", "C", "D"]);
}

async fn struct_and_map_conditions_as_gorm_writes_them(backend: Backend) {
    let Some(db) = backend.golden_products().await else {
        return;
    };
    let q = || db.model::<Product>();
    let example = Product {
        code: "X".into(),
        ..Default::default()
    };
    let alive = "`products`.`deleted_at` IS NULL";
    let cases = [
        // G18: named fields are compared even when zero.
        (
            q().filter_struct_fields(&example, &["code", "price"]),
            format!("(`products`.`code` = ? AND `products`.`price` = ?) AND {alive}"),
        ),
        // G17: a zero field is skipped by a plain struct condition.
        (
            q().filter_struct(&example),
            format!("`products`.`code` = ? AND {alive}"),
        ),
    ];
    for (query, sqlite) in cases {
        assert_eq!(where_of(query).await, expected(backend, &sqlite));
    }
    // G19: map keys are sorted, as GORM sorts a map's.
    let by_map = q()
        .filter_map([("price", plugorm::Value::from(20)), ("code", "x".into())])
        .unwrap();
    assert_eq!(
        where_of(by_map).await,
        expected(
            backend,
            &format!("(`products`.`code` = ? AND `products`.`price` = ?) AND {alive}")
        )
    );
    let sql = q()
        .filter_struct_fields(&example, &["code", "price"])
        .find_sql()
        .await
        .unwrap();
    assert_eq!(
        plugorm_tests::bound_values(&sql),
        [plugorm::Value::from("X"), plugorm::Value::I64(0)]
    );
    let typo = q().filter_struct_fields(&example, &["prize"]).find().await;
    assert!(
        matches!(typo, Err(plugorm::Error::InvalidField { .. })),
        "{typo:?}"
    );
}
