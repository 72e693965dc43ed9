//! Self-referential relations round-trip on SQLite, PostgreSQL and MariaDB: a belongs-to
//! (`manager`), a has-many (`reports`) and a many-to-many (`friends`, join table
//! `employee_friends` with `employee_id` / `friend_id`) on one model — created with the
//! record, preloaded, changed through association mode, and unlinked.

use plugorm::Model;
use plugorm_tests::matrix::Backend;

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Employee {
    id: i64,
    #[orm(size = 64)]
    name: String,
    manager_id: Option<i64>,
    manager: Option<Box<Employee>>,
    #[orm(foreign_key = "manager_id")]
    reports: Vec<Employee>,
    #[orm(many_to_many = "employee_friends")]
    friends: Vec<Employee>,
}

fn named(name: &str) -> Employee {
    Employee {
        name: name.into(),
        ..Default::default()
    }
}

fn names(v: &[Employee]) -> Vec<&str> {
    let mut n: Vec<&str> = v.iter().map(|e| e.name.as_str()).collect();
    n.sort_unstable();
    n
}

async fn self_references_round_trip(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate_all::<(Employee,)>().await.unwrap();

    // One create saves the boss, her reports (manager_id = boss) and her friends with
    // their join rows.
    let mut boss = Employee {
        reports: vec![named("ann"), named("bob")],
        friends: vec![named("carl")],
        ..named("boss")
    };
    db.create(&mut boss).await.unwrap();
    assert!(boss.id > 0);
    assert!(boss.reports.iter().all(|r| r.manager_id == Some(boss.id)));
    assert_eq!(db.model::<Employee>().count().await.unwrap(), 4);

    let loaded = db
        .model::<Employee>()
        .preload("Reports")
        .preload("Friends")
        .id(boss.id)
        .first()
        .await
        .unwrap();
    assert_eq!(names(&loaded.reports), ["ann", "bob"]);
    assert_eq!(names(&loaded.friends), ["carl"]);

    // The other direction: a report's manager is the boss.
    let ann = db
        .model::<Employee>()
        .preload("Manager")
        .filter("name = ?", ("ann",))
        .first()
        .await
        .unwrap();
    assert_eq!(
        ann.manager.as_deref().map(|m| m.name.as_str()),
        Some("boss")
    );

    // Association mode on each self-relation.
    let mut boss = loaded;
    let mut friends = db.association(&mut boss, "Friends").unwrap();
    friends.append(vec![named("dora")]).await.unwrap();
    assert_eq!(friends.count().await.unwrap(), 2);
    let mut reports = db.association(&mut boss, "Reports").unwrap();
    assert_eq!(reports.count().await.unwrap(), 2);
    reports.clear().await.unwrap();
    assert_eq!(reports.count().await.unwrap(), 0);
    let orphans = db
        .model::<Employee>()
        .filter("manager_id IS NULL", ())
        .count()
        .await
        .unwrap();
    assert_eq!(
        orphans, 5,
        "clearing unlinks the reports, it deletes nobody"
    );

    let mut friends = db.association(&mut boss, "Friends").unwrap();
    friends.clear().await.unwrap();
    assert_eq!(friends.count().await.unwrap(), 0);
    let join_rows = db
        .raw("SELECT count(*) AS n FROM employee_friends", ())
        .await
        .unwrap();
    let n: i64 = join_rows.iter().next().unwrap().get("n").unwrap();
    assert_eq!(n, 0, "join rows removed");
    assert_eq!(db.model::<Employee>().count().await.unwrap(), 5);
}

plugorm_tests::matrix!(self_references_round_trip);
