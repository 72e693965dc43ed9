//! Typed errors (the scenarios of the host's `query_errors` and `assoc_migrate` tests):
//! constraint violations come back as the host's `DbError` variants, naming the
//! constraint or column where the database reports one.

use plugorm::{DbError, Error, Model, Value};

use super::{
    associations::{migrate, KitPet, KitUser},
    crud::{product, seeded, KitProduct},
    ensure, ensure_eq, Ctx, Failure, Outcome, Step,
};

/// A row with a CHECK.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_stock")]
struct KitStock {
    id: i64,
    #[orm(check(name = "chk_kit_stock_qty", expr = "qty > 0"))]
    qty: i64,
}

fn db_error(e: Error, what: &str) -> Result<DbError, Failure> {
    match e {
        Error::Db(d) => Ok(d),
        other => Err(Failure(format!(
            "{what}: expected a database error, got {other:?}"
        ))),
    }
}

pub(crate) async fn unique_violation(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    db.create(&mut product("dup", 1)).await.step("create")?;
    let e = db.create(&mut product("dup", 2)).await;
    let Err(e) = e else {
        return Err(Failure("a duplicated unique key was accepted".into()));
    };
    match db_error(e, "duplicate key")? {
        DbError::UniqueViolation { constraint, .. } => ensure!(
            constraint
                .as_deref()
                .is_none_or(|c| c.contains("kit_products") && c.contains("code")),
            "the constraint named is not the unique code's: {constraint:?}"
        ),
        other => return Err(Failure(format!("expected UniqueViolation, got {other:?}"))),
    }
    let mut other = product("other", 3);
    db.create(&mut other).await.step("create")?;
    let e = db
        .model::<KitProduct>()
        .id(other.id)
        .update("code", "dup")
        .await;
    ensure!(
        matches!(e, Err(Error::Db(DbError::UniqueViolation { .. }))),
        "an UPDATE to a duplicated key is a UniqueViolation, got {e:?}"
    );
    Ok(())
}

pub(crate) async fn not_null_violation(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let e = db
        .model::<KitProduct>()
        .create_map([("code", Value::Null), ("price", Value::from(1))])
        .await;
    let Err(e) = e else {
        return Err(Failure("NULL was accepted by a NOT NULL column".into()));
    };
    match db_error(e, "NULL into NOT NULL")? {
        DbError::NotNullViolation { column, .. } => ensure!(
            column.as_deref().is_none_or(|c| c.ends_with("code")),
            "the column named is not `code`: {column:?}"
        ),
        other => return Err(Failure(format!("expected NotNullViolation, got {other:?}"))),
    }
    Ok(())
}

pub(crate) async fn foreign_key_violation(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    migrate(&db).await?;
    let mut stray = KitPet {
        kit_user_id: Some(4242),
        name: "stray".into(),
        ..Default::default()
    };
    let Err(e) = db.create(&mut stray).await else {
        return Err(Failure("a key pointing at no row was accepted".into()));
    };
    match db_error(e, "dangling key")? {
        DbError::ForeignKeyViolation { constraint, .. } => ensure!(
            constraint
                .as_deref()
                .is_none_or(|c| c == "fk_kit_users_kit_pets"),
            "the constraint named is not the pets' foreign key: {constraint:?}"
        ),
        other => {
            return Err(Failure(format!(
                "expected ForeignKeyViolation, got {other:?}"
            )))
        }
    }
    let mut ann = KitUser {
        name: "ann".into(),
        kit_pets: vec![KitPet {
            name: "rex".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    db.create(&mut ann).await.step("create a user with a pet")?;
    let e = db.model::<KitUser>().id(ann.id).delete().await;
    ensure!(
        matches!(e, Err(Error::Db(DbError::ForeignKeyViolation { .. }))),
        "deleting a referenced row is a ForeignKeyViolation, got {e:?}"
    );
    Ok(())
}

pub(crate) async fn refused_writes_leave_nothing(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    db.auto_migrate::<KitStock>()
        .await
        .step("AutoMigrate kit_stock")?;
    let e = db
        .create(&mut KitStock {
            qty: -1,
            ..Default::default()
        })
        .await;
    ensure!(
        matches!(&e, Err(Error::Db(DbError::CheckViolation { constraint, .. }))
            if constraint.as_deref().is_none_or(|c| c == "chk_kit_stock_qty")),
        "a CHECK violation is typed and named, got {e:?}"
    );
    let mut good = KitStock {
        qty: 5,
        ..Default::default()
    };
    db.create(&mut good).await.step("a valid row")?;
    let e = db.model::<KitStock>().id(good.id).update("qty", 0).await;
    ensure!(
        matches!(e, Err(Error::Db(DbError::CheckViolation { .. }))),
        "a CHECK violation from an UPDATE, got {e:?}"
    );
    db.create(&mut product("p", 1)).await.step("create")?;
    for _ in 0..3 {
        let _ = db.create(&mut product("p", 2)).await;
    }
    ensure_eq!(
        db.model::<KitProduct>().count().await.step("count")?,
        1,
        "refused creates left no rows"
    );
    ensure_eq!(
        db.model::<KitStock>().find().await.step("read kit_stock")?,
        [good],
        "the refused update changed nothing"
    );
    Ok(())
}
