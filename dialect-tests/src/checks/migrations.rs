//! Migrations (the scenarios of the host's `migrate` and `assoc_migrate` tests):
//! AutoMigrate creates, a second run issues no DDL, the database describes what was
//! created, new fields become columns, foreign keys come in dependency order.

use chrono::NaiveDateTime;
use plugorm::{DbError, Error, Model};

use super::{
    associations::{KitCompany, KitLanguage, KitPet, KitProfile, KitToy, KitUser},
    ensure, ensure_eq, Ctx, Outcome, Step,
};

/// A table with a key, sized text, NOT NULL, a default, an index, a unique index, a
/// CHECK, a nullable column and a time column.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_pets_m")]
struct KitMig {
    id: i64,
    #[orm(size = 64, not_null, check = "name <> ''")]
    name: String,
    #[orm(index)]
    age: i32,
    #[orm(size = 128, unique_index)]
    email: String,
    #[orm(default = "member", size = 16)]
    role: String,
    note: Option<String>,
    created_at: NaiveDateTime,
}

/// `kit_grow` as first shipped.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_grow")]
struct KitGrowV1 {
    id: i64,
    #[orm(size = 32)]
    name: String,
}

/// `kit_grow` with a new indexed column.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_grow")]
struct KitGrowV2 {
    id: i64,
    #[orm(size = 32)]
    name: String,
    #[orm(index)]
    level: Option<i64>,
}

pub(crate) async fn auto_migrate_twice_issues_no_ddl(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let first = db
        .auto_migrate::<KitMig>()
        .await
        .step("first AutoMigrate")?;
    ensure!(
        first.created_table,
        "the first run creates the table: {first:?}"
    );
    ensure!(!first.statements.is_empty(), "the first run issues DDL");
    let mut indexes = first.created_indexes.clone();
    indexes.sort();
    ensure_eq!(
        indexes,
        ["idx_kit_pets_m_age", "idx_kit_pets_m_email"],
        "indexes created with the table"
    );
    let second = db
        .auto_migrate::<KitMig>()
        .await
        .step("second AutoMigrate")?;
    ensure!(
        second.is_empty(),
        "a second AutoMigrate must issue no DDL, it ran: {:?}",
        second.statements
    );
    let third = db
        .migrator()
        .auto_migrate::<KitMig>()
        .await
        .step("third AutoMigrate through the migrator")?;
    ensure!(third.is_empty(), "a third run ran: {:?}", third.statements);
    // What the table enforces.
    let mut ok = KitMig {
        name: "rex".into(),
        email: "rex@example.com".into(),
        ..Default::default()
    };
    db.create(&mut ok).await.step("insert a valid row")?;
    let back = db.model::<KitMig>().first().await.step("read it back")?;
    ensure_eq!(back.role, "member", "the column default");
    let e = db
        .exec(
            "INSERT INTO kit_pets_m (name, age, email, role) VALUES (?, ?, ?, ?)",
            ("", 1, "x@example.com", "r"),
        )
        .await;
    ensure!(
        matches!(e, Err(Error::Db(DbError::CheckViolation { .. }))),
        "the CHECK refuses an empty name, got {e:?}"
    );
    Ok(())
}

pub(crate) async fn describe_table(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitMig>().await.step("AutoMigrate")?;
    let info = db.migrator().describe::<KitMig>().await.step("describe")?;
    ensure!(info.exists, "the table exists");
    let names: Vec<String> = info
        .columns
        .iter()
        .map(|c| c.name.to_string().to_lowercase())
        .collect();
    ensure_eq!(
        names,
        ["id", "name", "age", "email", "role", "note", "created_at"],
        "columns in declaration order"
    );
    let col = |n: &str| info.column(n).cloned();
    ensure!(
        col("id").is_some_and(|c| c.primary_key),
        "id is the primary key: {:?}",
        col("id")
    );
    ensure!(
        col("name").is_some_and(|c| !c.nullable),
        "name is NOT NULL: {:?}",
        col("name")
    );
    ensure!(
        col("note").is_some_and(|c| c.nullable),
        "note is nullable: {:?}",
        col("note")
    );
    ensure!(
        col("name").is_some_and(|c| c.size == 0 || c.size == 64),
        "name's size is 64 where reported: {:?}",
        col("name")
    );
    let age = info.index("idx_kit_pets_m_age");
    ensure!(
        age.is_some_and(|i| !i.unique && i.columns.len() == 1),
        "the index idx_kit_pets_m_age (age, not unique): {age:?}"
    );
    let email = info.index("idx_kit_pets_m_email");
    ensure!(
        email.is_some_and(|i| i.unique),
        "the index idx_kit_pets_m_email (email, unique): {email:?}"
    );
    let missing = db
        .migrator()
        .describe_table("kit_no_such_table")
        .await
        .step("describe a missing table")?;
    ensure!(!missing.exists, "a missing table is described as missing");
    Ok(())
}

pub(crate) async fn added_fields_become_columns(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitGrowV1>()
        .await
        .step("AutoMigrate v1")?;
    let mut old = KitGrowV1 {
        name: "old".into(),
        ..Default::default()
    };
    db.create(&mut old).await.step("insert with v1")?;
    let grown = db
        .auto_migrate::<KitGrowV2>()
        .await
        .step("AutoMigrate v2")?;
    ensure!(!grown.created_table, "the table existed");
    ensure_eq!(grown.added_columns, ["level"], "added columns");
    ensure_eq!(
        grown.created_indexes,
        ["idx_kit_grow_level"],
        "added indexes"
    );
    let again = db
        .auto_migrate::<KitGrowV2>()
        .await
        .step("AutoMigrate v2 again")?;
    ensure!(
        again.is_empty(),
        "nothing left to do: {:?}",
        again.statements
    );
    let rows = db.model::<KitGrowV2>().find().await.step("read with v2")?;
    ensure_eq!(
        rows,
        [KitGrowV2 {
            id: old.id,
            name: "old".into(),
            level: None
        }],
        "the old row reads with the new column NULL"
    );
    ensure!(
        db.migrator()
            .has_column::<KitGrowV2>("level")
            .await
            .step("has_column")?,
        "has_column sees the new column"
    );
    Ok(())
}

pub(crate) async fn foreign_keys_in_dependency_order(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let reports = db
        .auto_migrate_all::<(KitPet, KitToy, KitUser, KitProfile, KitLanguage, KitCompany)>()
        .await
        .step("auto_migrate_all")?;
    let at = |t: &str| {
        reports
            .iter()
            .position(|r| r.table == t)
            .unwrap_or(usize::MAX)
    };
    ensure!(
        at("kit_companies") < at("kit_users")
            && at("kit_users") < at("kit_pets")
            && at("kit_pets") < at("kit_toys")
            && at("kit_users") < at("kit_user_languages")
            && at("kit_languages") < at("kit_user_languages"),
        "referenced tables come first: {:?}",
        reports.iter().map(|r| r.table.as_str()).collect::<Vec<_>>()
    );
    ensure!(
        reports.iter().all(|r| r.skipped_constraints.is_empty()),
        "no constraint skipped: {:?}",
        reports
            .iter()
            .flat_map(|r| r.skipped_constraints.iter())
            .collect::<Vec<_>>()
    );
    let pets = db
        .migrator()
        .describe_table("kit_pets")
        .await
        .step("describe kit_pets")?;
    ensure_eq!(pets.foreign_keys.len(), 1, "kit_pets' foreign keys");
    let fk = &pets.foreign_keys[0];
    ensure_eq!(
        fk.name.as_str(),
        "fk_kit_users_kit_pets",
        "the constraint's name"
    );
    ensure_eq!(
        (
            fk.columns.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            fk.referenced_table.to_string(),
            fk.referenced_columns
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
        ),
        (
            vec!["kit_user_id".to_string()],
            "kit_users".to_string(),
            vec!["id".to_string()]
        ),
        "the foreign key as described"
    );
    let again = db
        .auto_migrate_all::<(KitCompany, KitUser, KitPet, KitProfile, KitToy, KitLanguage)>()
        .await
        .step("auto_migrate_all again")?;
    for r in &again {
        ensure!(r.is_empty(), "{} ran again: {:?}", r.table, r.statements);
    }
    Ok(())
}

pub(crate) async fn table_operations(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let m = db.migrator();
    ensure!(
        !m.has_table::<KitGrowV1>().await.step("has_table")?,
        "no table before AutoMigrate"
    );
    db.auto_migrate::<KitGrowV2>().await.step("AutoMigrate")?;
    ensure!(
        m.has_table::<KitGrowV1>().await.step("has_table")?,
        "has_table"
    );
    ensure!(
        m.has_table_named("kit_grow")
            .await
            .step("has_table_named")?,
        "has_table_named"
    );
    ensure!(
        m.has_index::<KitGrowV2>("idx_kit_grow_level")
            .await
            .step("has_index")?,
        "has_index"
    );
    m.drop_index::<KitGrowV2>("idx_kit_grow_level")
        .await
        .step("drop_index")?;
    ensure!(
        !m.has_index::<KitGrowV2>("idx_kit_grow_level")
            .await
            .step("has_index")?,
        "the index is gone"
    );
    m.create_index::<KitGrowV2>("idx_kit_grow_level")
        .await
        .step("create_index")?;
    ensure!(
        m.has_index::<KitGrowV2>("idx_kit_grow_level")
            .await
            .step("has_index")?,
        "the index is back"
    );
    m.drop_table::<KitGrowV2>().await.step("drop_table")?;
    ensure!(
        !m.has_table::<KitGrowV2>().await.step("has_table")?,
        "the table is gone"
    );
    Ok(())
}
