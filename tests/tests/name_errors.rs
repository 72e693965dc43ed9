//! Names that used to be ignored without a word are typed errors now, on every database
//! (issue 10, item 11): an unknown field given to `Query::omit`, `Record::select` /
//! `Record::omit`; an unknown relation given to `select_associations` /
//! `omit_associations` (dotted names checked level by level); a join table that is no
//! plain name; and `for_update` on SQLite outside a transaction, where it would lock
//! nothing. Every case asserts the error variant and that nothing was written.

#[path = "assoc/models.rs"]
mod models;

use plugorm::{relation::RelationError, Error};
use plugorm_tests::{
    matrix::{Backend, TestDb},
    product::Product,
};

use models::{migrate, sample, Pet, User};

plugorm_tests::matrix!(
    omit_of_an_unknown_field_is_an_error,
    record_select_and_omit_of_an_unknown_field_are_errors,
    association_filters_naming_no_relation_are_errors,
    join_table_must_be_a_plain_name,
    locking_reads_on_sqlite_need_a_transaction,
);

/// `products` with three rows (codes upper-cased by the hook).
async fn seeded(backend: Backend) -> Option<TestDb> {
    backend
        .products_with(&[("p1", 10), ("p2", 20), ("p3", 30)])
        .await
}

/// Every product as (code, price), by key, soft-deleted ones included.
async fn products(db: &TestDb) -> Vec<(String, i64)> {
    db.model::<Product>()
        .unscoped()
        .order("id")
        .find()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.code, p.price))
        .collect()
}

fn seeded_rows() -> Vec<(String, i64)> {
    vec![("P1".into(), 10), ("P2".into(), 20), ("P3".into(), 30)]
}

/// Asserts `r` is `InvalidField` for `field` of `Product`.
#[track_caller]
fn assert_invalid_field<T: std::fmt::Debug>(r: plugorm::Result<T>, field: &str) {
    match r {
        Err(Error::InvalidField { model, field: f }) => {
            assert_eq!((model.as_str(), f.as_str()), ("Product", field));
        }
        other => panic!("expected InvalidField `{field}`, got {other:?}"),
    }
}

async fn omit_of_an_unknown_field_is_an_error(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    // A known field (Rust or column name) is left out as before.
    let found = db.model::<Product>().omit(&["price"]).find().await.unwrap();
    assert!(found.iter().all(|p| p.price == 0 && !p.code.is_empty()));

    let typo = || db.model::<Product>().omit(&["code", "prise"]);
    assert_invalid_field(typo().find().await, "prise");
    assert_invalid_field(typo().first().await, "prise");
    assert_invalid_field(typo().count().await, "prise");
    assert_invalid_field(typo().pluck::<String>("code").await, "prise");
    assert_invalid_field(typo().find_maps().await, "prise");
    assert_invalid_field(typo().rows().await.map(|_| ()), "prise");
    assert_invalid_field(typo().stream().await.map(|_| ()), "prise");
    assert_invalid_field(typo().subquery(), "prise");
    assert_invalid_field(typo().find_sql().await, "prise");
    // Writes through the query: refused before anything is written.
    let filtered = || typo().filter("price > ?", (0,));
    assert_invalid_field(filtered().update("price", 1).await, "prise");
    assert_invalid_field(filtered().updates_map([("price", 1)]).await, "prise");
    assert_invalid_field(filtered().update_column("price", 1).await, "prise");
    assert_invalid_field(filtered().delete().await, "prise");
    assert_invalid_field(
        typo()
            .filter_map([("code", "NEW")])
            .unwrap()
            .first_or_create()
            .await,
        "prise",
    );
    // The first bad name of the chain is the one reported, whatever follows it.
    let r = db
        .model::<Product>()
        .omit(&["first"])
        .omit(&["second"])
        .inner_join("a b c", "1 = 1", ())
        .update("nope", 1)
        .await;
    assert_invalid_field(r, "first");
    assert_eq!(products(&db).await, seeded_rows());
}

async fn record_select_and_omit_of_an_unknown_field_are_errors(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let mut p: Product = db.model::<Product>().order("id").first().await.unwrap();
    let before = p.clone();
    p.price = 99;
    assert_invalid_field(
        db.record(&mut p).select(&["prise"]).updates().await,
        "prise",
    );
    assert_invalid_field(db.record(&mut p).omit(&["cod"]).save().await, "cod");
    assert_invalid_field(
        db.record(&mut p)
            .select(&["price", "x"])
            .updates_selected()
            .await,
        "x",
    );
    // `update` names a good column, but the bad `select` came first; the record keeps
    // its values.
    assert_invalid_field(
        db.record(&mut p).select(&["bad"]).update("price", 5).await,
        "bad",
    );
    assert_eq!(p.price, 99, "the record is left as it was");
    assert_invalid_field(
        db.record(&mut p)
            .omit(&["nope"])
            .updates_map([("price", 7)])
            .await,
        "nope",
    );
    assert_invalid_field(db.record(&mut p).omit(&["gone"]).delete().await, "gone");
    let mut fresh = Product {
        code: "new".into(),
        price: 1,
        ..Default::default()
    };
    assert_invalid_field(
        db.record(&mut fresh)
            .omit(&["first"])
            .select(&["second"])
            .create()
            .await,
        "first",
    );
    // A zero key makes `save` a create: the names are checked there too.
    assert_invalid_field(db.record(&mut fresh).select(&["zzz"]).save().await, "zzz");
    assert_eq!(products(&db).await, seeded_rows(), "nothing was written");
    // Known names (Rust or column names, `*`) still work.
    db.record(&mut p)
        .select(&["price"])
        .updates()
        .await
        .unwrap();
    let stored: Product = db.model::<Product>().id(before.id).first().await.unwrap();
    assert_eq!(stored.price, 99);
    db.record(&mut p).omit(&["*"]).save().await.unwrap();
}

/// Asserts `r` is `RelationError::Unknown` for relation `name` of model `model`.
#[track_caller]
fn assert_unknown_relation<T: std::fmt::Debug>(r: plugorm::Result<T>, model: &str, name: &str) {
    match r {
        Err(Error::Relation(RelationError::Unknown {
            model: m, name: n, ..
        })) => assert_eq!((m.as_str(), n.as_str()), (model, name)),
        other => panic!("expected no relation `{name}` of `{model}`, got {other:?}"),
    }
}

/// Users, pets and companies stored, soft-deleted or not.
async fn counts(db: &TestDb) -> (i64, i64, i64) {
    let users = db.raw_scalar("SELECT count(*) FROM users", ()).await;
    let pets = db.raw_scalar("SELECT count(*) FROM pets", ()).await;
    let companies = db.raw_scalar("SELECT count(*) FROM companies", ()).await;
    let n = |r: plugorm::Result<Option<i64>>| r.unwrap().unwrap_or(0);
    (n(users), n(pets), n(companies))
}

async fn association_filters_naming_no_relation_are_errors(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    assert_unknown_relation(
        db.omit_associations(&["Petz"]).create(&mut ann).await,
        "User",
        "Petz",
    );
    assert_unknown_relation(
        db.select_associations(&["Pets.Toyz"])
            .create(&mut ann)
            .await,
        "Pet",
        "Toyz",
    );
    assert_unknown_relation(
        db.select_associations(&["Company", "Pets.Toys.Boxes"])
            .create(&mut ann)
            .await,
        "Toy",
        "Boxes",
    );
    assert_eq!(counts(&db).await, (0, 0, 0), "nothing was created");
    assert_eq!(ann.id, 0);

    // Known names, in any case and dotted, still work.
    db.select_associations(&["company", "Pets.toys"])
        .create(&mut ann)
        .await
        .unwrap();
    assert_eq!(counts(&db).await, (1, 2, 1));

    let mut stored: User = db
        .model::<User>()
        .preload("Pets")
        .id(ann.id)
        .first()
        .await
        .unwrap();
    stored.name = "renamed".into();
    stored.pets.push(Pet {
        name: "new pet".into(),
        ..Default::default()
    });
    assert_unknown_relation(
        db.omit_associations(&["Compny"]).save(&mut stored).await,
        "User",
        "Compny",
    );
    assert_unknown_relation(
        db.select_associations(&["Pet"])
            .record(&mut stored)
            .updates()
            .await,
        "User",
        "Pet",
    );
    assert_unknown_relation(
        db.select_associations(&["Petss"]).delete(&mut stored).await,
        "User",
        "Petss",
    );
    let again: User = db.model::<User>().id(ann.id).first().await.unwrap();
    assert_eq!(again.name, "ann", "the user was not updated");
    assert_eq!(
        counts(&db).await,
        (1, 2, 1),
        "nothing was written or deleted"
    );
    // A filter is a session setting: a write of another model is checked against that
    // model's relations.
    let mut pet = Pet {
        name: "stray".into(),
        ..Default::default()
    };
    assert_unknown_relation(
        db.omit_associations(&["Company"]).create(&mut pet).await,
        "Pet",
        "Company",
    );
    assert_eq!(counts(&db).await, (1, 2, 1));
}

/// Asserts `r` is `InvalidIdentifier` for the join table `name`.
#[track_caller]
fn assert_bad_join<T: std::fmt::Debug>(r: plugorm::Result<T>, name: &str) {
    match r {
        Err(Error::InvalidIdentifier { what, name: n, .. }) => {
            assert_eq!((what, n.as_str()), ("join table", name));
        }
        other => panic!("expected an invalid join table {name:?}, got {other:?}"),
    }
}

async fn join_table_must_be_a_plain_name(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    // `table alias` and `table AS alias`, each part quoted.
    for table in ["products p2", "products AS p2", "products as p2"] {
        let n = db
            .model::<Product>()
            .inner_join(table, "p2.id = products.id AND p2.price > ?", (15,))
            .count()
            .await
            .unwrap();
        assert_eq!(n, 2, "{table}");
    }
    let sql = db
        .to_sql(|tx| async move {
            tx.model::<Product>()
                .inner_join("s.t x", "x.id = products.id", ())
                .pluck::<i64>("products.id")
                .await
        })
        .await
        .unwrap();
    let want = backend.pick(
        "SELECT `products`.`id` FROM `products` INNER JOIN `s`.`t` `x` ON x.id = products.id WHERE `products`.`deleted_at` IS NULL",
        r#"SELECT "products"."id" FROM "products" INNER JOIN "s"."t" "x" ON x.id = products.id WHERE "products"."deleted_at" IS NULL"#,
        "SELECT `products`.`id` FROM `products` INNER JOIN `s`.`t` `x` ON x.id = products.id WHERE `products`.`deleted_at` IS NULL",
    );
    assert_eq!(sql.text.as_str(), want);
    for bad in [
        "products; DROP TABLE products; --",
        "products p2 extra",
        "products AS",
        "a.b.c",
        ".products",
        "products.",
        "",
        "   ",
        "prod\0ucts",
        "products p.2",
    ] {
        let q = || db.model::<Product>().filter("price > ?", (0,));
        let results = [
            q().inner_join(bad, "1 = 1", ()).find().await.map(|_| ()),
            q().left_join(bad, "1 = 1", ()).count().await.map(|_| ()),
            // Through a bulk write: refused, nothing deleted.
            q().inner_join(bad, "1 = 1", ()).delete().await.map(|_| ()),
        ];
        for r in results {
            assert_bad_join(r, bad);
        }
    }
    assert_eq!(products(&db).await, seeded_rows());
}

async fn locking_reads_on_sqlite_need_a_transaction(backend: Backend) {
    let Some(db) = seeded(backend).await else {
        return;
    };
    let locked = db.model::<Product>().for_update().find().await;
    let shared = db
        .model::<Product>()
        .for_share()
        .find()
        .await
        .map(|v| v.len() as i64);
    let create = db
        .model::<Product>()
        .filter_map([("code", "NEW")])
        .unwrap()
        .for_update()
        .first_or_create()
        .await;
    if backend == Backend::Sqlite {
        for r in [locked.map(|v| v.len() as i64), shared, create.map(|p| p.id)] {
            match r {
                Err(Error::RowLockOutsideTransaction { dialect }) => {
                    assert_eq!(dialect, "sqlite")
                }
                other => panic!("expected RowLockOutsideTransaction, got {other:?}"),
            }
        }
        assert_eq!(products(&db).await, seeded_rows(), "nothing was created");
    } else {
        // Servers take row locks on their own: outside a transaction the statement runs.
        assert_eq!(locked.unwrap().len(), 3);
        assert_eq!(shared.unwrap(), 3);
        assert_eq!(create.unwrap().code, "NEW");
    }
    // Inside a transaction every dialect runs it (SQLite's transaction holds the lock).
    let n = db
        .transaction(|tx| async move {
            let rows = tx.model::<Product>().for_update().find().await?;
            tx.model::<Product>()
                .id(rows[0].id)
                .update("price", 11)
                .await?;
            Ok(rows.len())
        })
        .await
        .unwrap();
    assert_eq!(n, backend.pick(3, 4, 4));
    // A dry run renders the statement (SQLite writes no locking clause).
    let sql = db
        .to_sql(|tx| async move { tx.model::<Product>().for_update().find().await })
        .await
        .unwrap();
    assert_eq!(
        sql.text.as_str(),
        backend.pick(
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL",
            r#"SELECT * FROM "products" WHERE "products"."deleted_at" IS NULL FOR UPDATE"#,
            "SELECT * FROM `products` WHERE `products`.`deleted_at` IS NULL FOR UPDATE",
        )
    );
}
