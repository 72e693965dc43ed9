//! Upsert entries: MERGE for the three conflict forms, a plain INSERT when the conflict
//! columns are not all inserted.

use plugorm_plugin_api::{
    statement::{Assignment, Conflict, ConflictAction, Expr, Statement},
    types::Text,
};

use crate::common::text;
use crate::write::insert;

fn conflict(target: &[&str], action: ConflictAction) -> Conflict {
    Conflict {
        target: target.iter().map(|t| Text::from(*t)).collect(),
        action,
        condition: None.into(),
    }
}

fn upsert(
    table: &str,
    columns: &[&str],
    rows: usize,
    target: &[&str],
    action: ConflictAction,
) -> String {
    let mut ins = insert(table, columns, rows);
    ins.returning.clear();
    ins.on_conflict = Some(conflict(target, action)).into();
    text(Statement::Insert(ins))
}

const LANGUAGE_MERGE: &str = r#"MERGE INTO "languages" USING (VALUES(@p1,@p2)) AS excluded ("code","name") ON "languages"."code" = "excluded"."code""#;
const LANGUAGE_INSERT: &str = r#" WHEN NOT MATCHED THEN INSERT ("code","name") VALUES ("excluded"."code","excluded"."name");"#;

#[test]
fn g82_explicit_assignment() {
    let set = vec![Assignment {
        column: "name".into(),
        value: Expr::value("upsert-new"),
    }];
    assert_eq!(
        upsert(
            "languages",
            &["code", "name"],
            1,
            &["code"],
            ConflictAction::Update(set.into())
        ),
        format!(r#"{LANGUAGE_MERGE} WHEN MATCHED THEN UPDATE SET "name"=@p3{LANGUAGE_INSERT}"#)
    );
}

#[test]
fn g83_g84_copy_from_excluded() {
    let want = format!(
        r#"{LANGUAGE_MERGE} WHEN MATCHED THEN UPDATE SET "name"="excluded"."name"{LANGUAGE_INSERT}"#
    );
    let columns = ConflictAction::UpdateColumns(vec![Text::from("name")].into());
    assert_eq!(
        upsert("languages", &["code", "name"], 1, &["code"], columns),
        want
    );
    // UpdateAll: the host assigns `excluded` columns.
    let all = vec![Assignment {
        column: "name".into(),
        value: Expr::col("excluded", "name"),
    }];
    assert_eq!(
        upsert(
            "languages",
            &["code", "name"],
            1,
            &["code"],
            ConflictAction::Update(all.into())
        ),
        want
    );
}

#[test]
fn g85_g88_g89_key_not_inserted_is_a_plain_insert() {
    let mut ins = insert(
        "pets",
        &["created_at", "updated_at", "deleted_at", "user_id", "name"],
        1,
    );
    let user_id = ConflictAction::UpdateColumns(vec![Text::from("user_id")].into());
    ins.on_conflict = Some(conflict(&["id"], user_id)).into();
    assert_eq!(
        text(Statement::Insert(ins)),
        r#"INSERT INTO "pets" ("created_at","updated_at","deleted_at","user_id","name") OUTPUT INSERTED."id" VALUES (@p1,@p2,@p3,@p4,@p5);"#
    );
    let mut ins = insert("companies", &["name"], 1);
    ins.on_conflict = Some(conflict(&["id"], ConflictAction::DoNothing)).into();
    assert_eq!(
        text(Statement::Insert(ins)),
        r#"INSERT INTO "companies" ("name") OUTPUT INSERTED."id" VALUES (@p1);"#
    );
}

#[test]
fn g86_g90_do_nothing() {
    assert_eq!(
        upsert(
            "languages",
            &["code", "name"],
            1,
            &["code"],
            ConflictAction::DoNothing
        ),
        format!("{LANGUAGE_MERGE}{LANGUAGE_INSERT}")
    );
    assert_eq!(
        upsert(
            "languages",
            &["code", "name"],
            2,
            &["code"],
            ConflictAction::DoNothing
        ),
        r#"MERGE INTO "languages" USING (VALUES(@p1,@p2),(@p3,@p4)) AS excluded ("code","name") ON "languages"."code" = "excluded"."code" WHEN NOT MATCHED THEN INSERT ("code","name") VALUES ("excluded"."code","excluded"."name");"#
    );
    assert_eq!(
        upsert(
            "user_languages",
            &["user_id", "language_code"],
            2,
            &["user_id", "language_code"],
            ConflictAction::DoNothing
        ),
        r#"MERGE INTO "user_languages" USING (VALUES(@p1,@p2),(@p3,@p4)) AS excluded ("user_id","language_code") ON "user_languages"."user_id" = "excluded"."user_id" AND "user_languages"."language_code" = "excluded"."language_code" WHEN NOT MATCHED THEN INSERT ("user_id","language_code") VALUES ("excluded"."user_id","excluded"."language_code");"#
    );
}

#[test]
fn merge_reads_keys_back_and_keeps_conditions_and_keys_out_of_the_update() {
    let mut ins = insert("products", &["id", "code", "price"], 1);
    let id_and_price = vec![Text::from("id"), Text::from("price")];
    let mut c = conflict(&["id"], ConflictAction::UpdateColumns(id_and_price.into()));
    c.condition = Some(Expr::raw("\"products\".\"price\" < ?", [5i64.into()])).into();
    ins.on_conflict = Some(c).into();
    assert_eq!(
        text(Statement::Insert(ins)),
        // The key is given and read back, so it is an IDENTITY key set by the caller:
        // the MERGE runs with IDENTITY_INSERT on, as a plain INSERT would (G73).
        r#"SET IDENTITY_INSERT "products" ON;MERGE INTO "products" USING (VALUES(@p1,@p2,@p3)) AS excluded ("id","code","price") ON "products"."id" = "excluded"."id" WHEN MATCHED AND "products"."price" < @p4 THEN UPDATE SET "price"="excluded"."price" WHEN NOT MATCHED THEN INSERT ("id","code","price") VALUES ("excluded"."id","excluded"."code","excluded"."price") OUTPUT INSERTED."id";SET IDENTITY_INSERT "products" OFF;"#
    );
}
