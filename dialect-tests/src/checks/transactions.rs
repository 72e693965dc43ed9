//! Transactions and savepoints (the scenarios of the host's `transactions` tests).

use plugorm::{DbError, Error};

use super::{
    crud::{product, seeded, KitProduct},
    ensure, ensure_eq, Ctx, Failure, Outcome, Step,
};

async fn codes(db: &plugorm::Db) -> Result<Vec<String>, Failure> {
    db.model::<KitProduct>()
        .order("id")
        .pluck("code")
        .await
        .step("read the codes")
}

pub(crate) async fn closure_commits_and_rolls_back(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    db.transaction(|tx| async move {
        if !tx.in_transaction() {
            return Err(Error::msg(
                "the closure's session is not in the transaction",
            ));
        }
        tx.create(&mut product("a", 1)).await?;
        tx.create(&mut product("b", 1)).await?;
        Ok(())
    })
    .await
    .step("a committed transaction")?;
    let e = db
        .transaction(|tx| async move {
            tx.create(&mut product("c", 1)).await?;
            Err::<(), _>(Error::msg("changed my mind"))
        })
        .await;
    ensure!(
        matches!(&e, Err(Error::Custom(m)) if m == "changed my mind"),
        "the closure's error comes back, got {e:?}"
    );
    ensure_eq!(codes(&db).await?, ["a", "b"], "the rolled-back row is gone");
    Ok(())
}

pub(crate) async fn manual_commit_and_rollback(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let tx = db.begin().await.step("begin")?;
    tx.create(&mut product("one", 1))
        .await
        .step("create in tx")?;
    ensure_eq!(
        codes(&tx).await?,
        ["one"],
        "the transaction sees its own writes"
    );
    tx.commit().await.step("commit")?;
    ensure_eq!(codes(&db).await?, ["one"], "committed");
    let tx = db.begin().await.step("begin")?;
    tx.create(&mut product("two", 1))
        .await
        .step("create in tx")?;
    tx.rollback().await.step("rollback")?;
    ensure_eq!(codes(&db).await?, ["one"], "rolled back");
    let tx = db.begin().await.step("begin")?;
    tx.exec("DELETE FROM kit_products", ())
        .await
        .step("raw statement in tx")?;
    drop(tx);
    ensure_eq!(
        codes(&db).await?,
        ["one"],
        "a dropped transaction rolls back"
    );
    Ok(())
}

pub(crate) async fn a_failing_batch_leaves_no_rows(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let mut items = vec![product("x1", 1), product("x2", 1), product("x1", 1)];
    let e = db.create_in_batches(&mut items, 1).await;
    ensure!(
        matches!(e, Err(Error::Db(DbError::UniqueViolation { .. }))),
        "the duplicate third row is a unique violation, got {e:?}"
    );
    ensure_eq!(
        codes(&db).await?,
        Vec::<String>::new(),
        "the default transaction rolled the whole create back"
    );
    let mut items = vec![product("y1", 1), product("y1", 1)];
    ensure!(
        db.skip_default_transaction()
            .create_in_batches(&mut items, 1)
            .await
            .is_err(),
        "the duplicate fails without a default transaction too"
    );
    ensure_eq!(
        codes(&db).await?,
        ["y1"],
        "without the default transaction the rows before the failure stay"
    );
    Ok(())
}

pub(crate) async fn misuse_is_typed(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let e = db.savepoint("x").await;
    ensure!(
        matches!(e, Err(Error::InvalidTransaction(_))),
        "a savepoint outside a transaction is refused, got {e:?}"
    );
    let tx = db.begin().await.step("begin")?;
    match tx.begin().await {
        Err(Error::InvalidTransaction(_)) => {}
        Err(e) => return Err(Failure(format!("begin inside a transaction: {e}"))),
        Ok(_) => return Err(Failure("begin inside a transaction was accepted".into())),
    }
    tx.rollback().await.step("rollback")?;
    ensure_eq!(
        db.model::<KitProduct>()
            .count()
            .await
            .step("count after misuse")?,
        0,
        "the database is usable after the refusals"
    );
    Ok(())
}

pub(crate) async fn nested_transactions_are_savepoints(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let inner_failed = db
        .transaction(|tx| async move {
            tx.create(&mut product("outer", 1)).await?;
            let inner = tx
                .transaction(|tx2| async move {
                    tx2.create(&mut product("inner", 1)).await?;
                    Err::<(), _>(Error::msg("inner fails"))
                })
                .await;
            tx.transaction(|tx3| async move {
                tx3.create(&mut product("kept", 1)).await?;
                Ok(())
            })
            .await?;
            Ok(inner.is_err())
        })
        .await
        .step("nested transactions")?;
    ensure!(inner_failed, "the inner transaction's error came back");
    ensure_eq!(
        codes(&db).await?,
        ["outer", "kept"],
        "only the failed inner transaction was rolled back"
    );
    Ok(())
}

pub(crate) async fn explicit_savepoints(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 0).await?;
    let tx = db.begin().await.step("begin")?;
    tx.create(&mut product("one", 1)).await.step("create")?;
    tx.savepoint("before_two").await.step("savepoint")?;
    tx.create(&mut product("two", 1)).await.step("create")?;
    tx.rollback_to("before_two").await.step("rollback_to")?;
    ensure_eq!(codes(&tx).await?, ["one"], "rolled back to the savepoint");
    tx.savepoint("before_three").await.step("savepoint")?;
    tx.create(&mut product("three", 1)).await.step("create")?;
    tx.release("before_three").await.step("release")?;
    tx.commit().await.step("commit")?;
    ensure_eq!(
        codes(&db).await?,
        ["one", "three"],
        "a released savepoint keeps its writes"
    );
    Ok(())
}
