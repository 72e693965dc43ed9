//! Typed column handles: `Model::FIELD` constants that build conditions, selections and
//! orders the compiler checks, run on every backend.

use chrono::{DateTime, Utc};
use plugorm::{model::Column, Model};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

use super::models::{Account, Sample, Tier};

plugorm_tests::matrix!(handles_build_conditions_that_run);

#[test]
fn one_handle_per_column_named_after_the_field() {
    let email: Column<Account, String> = Account::EMAIL;
    assert_eq!(email.name(), "mail", "the handle carries the column name");
    assert_eq!(Account::DELETED_AT.name(), "deleted_at");
    assert_eq!(Sample::TIER.name(), "tier");
}

/// The columns of [`Account`] the conditions below use (a renamed column, a soft-delete
/// timestamp), without its partial unique index, which MySQL cannot create.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Player {
    id: u32,
    #[orm(column = "mail", size = 120, not_null, unique)]
    email: String,
    age: i32,
    #[orm(index(sort = "desc"))]
    nick: String,
    #[orm(soft_delete)]
    deleted_at: Option<DateTime<Utc>>,
}

fn player(n: i32, nick: &str) -> Player {
    Player {
        email: format!("{nick}@example.com"),
        age: 18 + n,
        nick: nick.into(),
        ..Default::default()
    }
}

async fn handles_build_conditions_that_run(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    db.auto_migrate::<Player>().await.unwrap();
    let mut rows: Vec<Player> = ["ann", "bob", "cid", "dan"]
        .iter()
        .enumerate()
        .map(|(i, n)| player(i as i32, n))
        .collect();
    db.create_many(&mut rows).await.unwrap();

    let older = db
        .model::<Player>()
        .filter_expr(Player::AGE.gt(18))
        .order_by(Player::AGE.desc())
        .find()
        .await
        .unwrap();
    let nicks: Vec<&str> = older.iter().map(|a| a.nick.as_str()).collect();
    assert_eq!(nicks, ["dan", "cid", "bob"]);

    let picked = db
        .model::<Player>()
        .filter_cols([
            Player::NICK.in_(["ann", "cid", "zed"]),
            Player::EMAIL.like("%@example.com"),
            Player::DELETED_AT.is_null(),
        ])
        .order_by(Player::NICK.asc())
        .pluck::<String>("nick")
        .await
        .unwrap();
    assert_eq!(picked, ["ann", "cid"]);

    let between = db
        .model::<Player>()
        .filter_expr(Player::AGE.between(19, 20))
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
