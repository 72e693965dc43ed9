//! Create with selected or omitted fields on every backend, with each dialect's golden SQL
//! (G76: the automatic time fields stay in a selection; G77: omitted fields are left out).

use chrono::NaiveDate;
use plugorm::{Db, Error};
use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(create_writes_only_selected_or_not_omitted_fields);

async fn sql_of<F, Fut, R>(db: &Db, f: F) -> String
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = plugorm::Result<R>>,
{
    db.to_sql(f).await.unwrap().text.to_string()
}

fn sample() -> Product {
    Product {
        code: "sel".into(),
        price: 7,
        // Set, but neither selected nor (below) written: the row must stay visible.
        deleted_at: NaiveDate::from_ymd_opt(2020, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)),
        ..Default::default()
    }
}

async fn create_writes_only_selected_or_not_omitted_fields(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let mut p = sample();
    db.record(&mut p)
        .select(&["code", "price"])
        .create()
        .await
        .unwrap();
    assert_eq!(p.id, 1, "the key is read back");
    assert_eq!(p.code, "SEL", "create hooks ran");
    let found = db.model::<Product>().first_id(1).await.unwrap();
    assert_eq!((found.code.as_str(), found.price), ("SEL", 7));
    assert_eq!(found.deleted_at, None, "deleted_at was not written");
    assert!(
        found.created_at.and_utc().timestamp() > 0,
        "time fields are"
    );

    let mut q = sample();
    q.code = "omit".into();
    db.record(&mut q)
        .omit(&["deleted_at"])
        .create()
        .await
        .unwrap();
    assert_eq!(q.id, 2);
    assert_eq!(db.model::<Product>().count().await.unwrap(), 2);

    let e = db
        .record(&mut sample())
        .select(&["code", "nosuch"])
        .create()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidField { field, .. } if field == "nosuch"),
        "{e:?}"
    );

    let g76 = sql_of(&db, |tx| async move {
        tx.record(&mut sample())
            .select(&["code", "price"])
            .create()
            .await
    })
    .await;
    assert_eq!(
        g76,
        backend.pick(
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`) VALUES (?,?,?,?) RETURNING `id`",
            r#"INSERT INTO "products" ("code","price","created_at","updated_at") VALUES ($1,$2,$3,$4) RETURNING "id""#,
            "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`) VALUES (?,?,?,?)",
        )
    );
    let g77 = sql_of(&db, |tx| async move {
        tx.record(&mut sample())
            .omit(&["price", "created_at"])
            .create()
            .await
    })
    .await;
    assert_eq!(
        g77,
        backend.pick(
            "INSERT INTO `products` (`code`,`updated_at`,`deleted_at`) VALUES (?,?,?) RETURNING `id`",
            r#"INSERT INTO "products" ("code","updated_at","deleted_at") VALUES ($1,$2,$3) RETURNING "id""#,
            "INSERT INTO `products` (`code`,`updated_at`,`deleted_at`) VALUES (?,?,?)",
        )
    );
}
