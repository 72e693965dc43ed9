//! Typed column handles: `Model::FIELD` constants that build conditions, selections and
//! orders the compiler checks, run against SQLite.

use plugorm::model::Column;
use plugorm_tests::registry_with_soft_delete;

use super::models::{Account, Address, Sample, Tier};

#[test]
fn one_handle_per_column_named_after_the_field() {
    let email: Column<Account, String> = Account::EMAIL;
    assert_eq!(email.name(), "mail", "the handle carries the column name");
    assert_eq!(Account::DELETED_AT.name(), "deleted_at");
    assert_eq!(Sample::TIER.name(), "tier");
}

fn account(n: i32, nick: &str) -> Account {
    Account {
        email: format!("{nick}@example.com"),
        age: 18 + n,
        nick: nick.into(),
        region: "eu".into(),
        code: format!("c{n}"),
        home: Address {
            street: "s".into(),
            city: "c".into(),
        },
        ..Default::default()
    }
}

#[tokio::test]
async fn handles_build_conditions_that_run() {
    let db = registry_with_soft_delete()
        .open("sqlite::memory:")
        .await
        .unwrap();
    db.auto_migrate::<Account>().await.unwrap();
    let mut rows: Vec<Account> = ["ann", "bob", "cid", "dan"]
        .iter()
        .enumerate()
        .map(|(i, n)| account(i as i32, n))
        .collect();
    db.create_many(&mut rows).await.unwrap();

    let older = db
        .model::<Account>()
        .filter_expr(Account::AGE.gt(18))
        .order_by(Account::AGE.desc())
        .find()
        .await
        .unwrap();
    let nicks: Vec<&str> = older.iter().map(|a| a.nick.as_str()).collect();
    assert_eq!(nicks, ["dan", "cid", "bob"]);

    let picked = db
        .model::<Account>()
        .filter_cols([
            Account::NICK.in_(["ann", "cid", "zed"]),
            Account::EMAIL.like("%@example.com"),
            Account::DELETED_AT.is_null(),
        ])
        .order_by(Account::NICK.asc())
        .pluck::<String>("nick")
        .await
        .unwrap();
    assert_eq!(picked, ["ann", "cid"]);

    let between = db
        .model::<Account>()
        .filter_expr(Account::AGE.between(19, 20))
        .count()
        .await
        .unwrap();
    assert_eq!(between, 2);

    let mut s = Sample {
        tier: Tier::Pro,
        ..Default::default()
    };
    db.auto_migrate::<Sample>().await.unwrap();
    db.create(&mut s).await.unwrap();
    let pros = db
        .model::<Sample>()
        .filter_expr(Sample::TIER.eq(Tier::Pro))
        .count()
        .await
        .unwrap();
    assert_eq!(pros, 1, "a user FieldType in a typed condition");
}
