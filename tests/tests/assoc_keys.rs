//! Composite keys, preload conditions in SQL, and nested association filters on SQLite,
//! PostgreSQL and MariaDB: a two-column key links accounts and invoices through every
//! path (constraint, create, preload, joins, association mode); `preload_filter` narrows a
//! preload; dotted names in `omit_associations` / `select_associations` reach into the
//! related records' own associations.

#[path = "assoc/models.rs"]
mod models;

use plugorm::{DbError, Error, Model};
use plugorm_tests::matrix::Backend;

use models::{migrate, sample, Company, Pet, Toy, User};

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Account {
    #[orm(primary_key, size = 8)]
    region: String,
    #[orm(primary_key)]
    number: i64,
    #[orm(size = 32)]
    holder: String,
    invoices: Vec<Invoice>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Invoice {
    id: i64,
    #[orm(size = 8)]
    account_region: Option<String>,
    account_number: Option<i64>,
    amount: i64,
    /// No `account_id` sibling tells the derive it is a relation: it says so.
    #[orm(belongs_to)]
    account: Option<Account>,
}

fn invoice(amount: i64) -> Invoice {
    Invoice {
        amount,
        ..Default::default()
    }
}

async fn composite_keys_link_every_way(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let reports = db.auto_migrate_all::<(Invoice, Account)>().await.unwrap();
    let invoices = reports.iter().find(|r| r.table == "invoices").unwrap();
    // The has-many and the belongs-to declare the same key: one constraint, the has-many's.
    assert_eq!(invoices.created_constraints, ["fk_accounts_invoices"]);
    let info = db.migrator().describe_table("invoices").await.unwrap();
    let fk = &info.foreign_keys[0];
    assert_eq!(fk.columns.as_slice(), ["account_region", "account_number"]);
    assert_eq!(fk.referenced_columns.as_slice(), ["region", "number"]);

    let mut eu = Account {
        region: "eu".into(),
        number: 7,
        holder: "ann".into(),
        invoices: vec![invoice(10), invoice(20)],
    };
    db.create(&mut eu).await.unwrap();
    assert!(eu
        .invoices
        .iter()
        .all(|i| i.account_region.as_deref() == Some("eu") && i.account_number == Some(7)));
    let mut us_invoice = Invoice {
        amount: 5,
        account: Some(Account {
            region: "us".into(),
            number: 7,
            holder: "bob".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    db.create(&mut us_invoice).await.unwrap();
    assert_eq!(us_invoice.account_region.as_deref(), Some("us"));

    let accounts: Vec<Account> = db
        .model::<Account>()
        .preload("Invoices")
        .order("region")
        .find()
        .await
        .unwrap();
    let amounts: Vec<Vec<i64>> = accounts
        .iter()
        .map(|a| {
            let mut v: Vec<i64> = a.invoices.iter().map(|i| i.amount).collect();
            v.sort();
            v
        })
        .collect();
    assert_eq!(
        amounts,
        [vec![10, 20], vec![5]],
        "same number, other region"
    );

    let joined: Vec<Invoice> = db
        .model::<Invoice>()
        .join_relation("Account")
        .order("invoices.amount")
        .find()
        .await
        .unwrap();
    let holders: Vec<&str> = joined
        .iter()
        .map(|i| i.account.as_ref().map_or("-", |a| a.holder.as_str()))
        .collect();
    assert_eq!(holders, ["bob", "ann", "ann"]);
    let preloaded: Vec<Invoice> = db
        .model::<Invoice>()
        .preload("Account")
        .order("amount")
        .find()
        .await
        .unwrap();
    assert_eq!(
        preloaded
            .iter()
            .map(|i| i.account.as_ref().unwrap().region.as_str())
            .collect::<Vec<_>>(),
        ["us", "eu", "eu"]
    );

    let mut links = db.association(&mut eu, "Invoices").unwrap();
    assert_eq!(links.count().await.unwrap(), 2);
    links.append(vec![invoice(30)]).await.unwrap();
    assert_eq!(links.count().await.unwrap(), 3);

    let mut dangling = Invoice {
        amount: 1,
        account_region: Some("eu".into()),
        account_number: Some(8),
        ..Default::default()
    };
    match db.create(&mut dangling).await {
        Err(Error::Db(DbError::ForeignKeyViolation { .. })) => {}
        other => panic!("expected a foreign key violation, got {other:?}"),
    }
}

/// `preload_filter` puts a SQL condition on the preload's query.
async fn preload_filter_narrows_a_preload(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.create(&mut ann).await.unwrap();
    let u: User = db
        .model::<User>()
        .preload_filter("Pets", "name IN ?", (vec!["ann-tom", "nobody"],))
        .preload_filter("Pets.Toys", "name = ?", ("none",))
        .first()
        .await
        .unwrap();
    assert_eq!(
        u.pets.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["ann-tom"]
    );
    assert!(u.pets[0].toys.is_empty());
}

/// `omit_associations(&["Pets.Toys"])` saves the pets without their toys;
/// `select_associations(&["Pets.Toys"])` saves only the pets and their toys.
async fn dotted_names_filter_nested_associations(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.omit_associations(&["Pets.Toys"])
        .create(&mut ann)
        .await
        .unwrap();
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 2);
    let toys: Vec<Option<String>> = db.model::<Toy>().pluck("owner_type").await.unwrap();
    assert_eq!(
        toys,
        [Some("users".to_string())],
        "the user's toy, not the pet's"
    );
    assert_eq!(db.model::<Company>().count().await.unwrap(), 1);

    let mut bob = sample("bob");
    db.select_associations(&["Pets.Toys"])
        .create(&mut bob)
        .await
        .unwrap();
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 4);
    let pet_toys = db
        .model::<Toy>()
        .filter("owner_type = ?", ("pet",))
        .count()
        .await
        .unwrap();
    assert_eq!(pet_toys, 1, "bob's pet's toy");
    assert_eq!(
        db.model::<Toy>().count().await.unwrap(),
        2,
        "not bob's own toy"
    );
    assert_eq!(
        db.model::<Company>().count().await.unwrap(),
        1,
        "not bob's company"
    );
}

plugorm_tests::matrix!(
    composite_keys_link_every_way,
    preload_filter_narrows_a_preload,
    dotted_names_filter_nested_associations,
);
