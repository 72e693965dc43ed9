//! The schema `#[derive(Model)]` produces for [`Account`], field by field and index by
//! index, and what AutoMigrate makes of it on every backend.

use plugorm::{
    plugin_api::{
        schema::{DataType, FieldSchema, IndexColumn, IndexSchema, SoftDelete, TimeTracking},
        types::Optional,
    },
    DbError, Error, Model,
};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

use super::models::{Account, Address};

fn some(s: &str) -> Optional<plugorm::plugin_api::types::Text> {
    Optional::Some(s.into())
}

fn field(name: &str, column: &str, data_type: DataType, bits: u8) -> FieldSchema {
    let mut f = FieldSchema::new(name, column, data_type);
    f.bits = bits;
    f
}

fn expected_fields() -> Vec<FieldSchema> {
    let mut id = field("id", "id", DataType::UInt, 32);
    id.primary_key = true;
    id.auto_increment = true;

    let mut email = field("email", "mail", DataType::String, 0);
    email.size = 120;
    email.not_null = true;
    email.unique = true;
    email.comment = some("login address");

    let mut role = field("role", "role", DataType::String, 0);
    role.sql_type = some("varchar(16)");
    role.default = some("'member'");

    let mut balance = field("balance", "balance", DataType::Decimal, 0);
    balance.precision = 12;
    balance.scale = 2;
    balance.default = some("0");

    let mut age = field("age", "age", DataType::Int, 32);
    age.check = some("adult,age >= 18");

    let nick = field("nick", "nick", DataType::String, 0);
    let region = field("region", "region", DataType::String, 0);
    let mut code = field("code", "code", DataType::String, 0);
    code.check = some("length(code) <= 8");

    let mut joined = field("joined", "joined", DataType::Timestamp, 0);
    joined.nullable = true;
    joined.default = some("CURRENT_TIMESTAMP");

    let home_street = field("home.street", "home_street", DataType::String, 0);
    let mut home_city = field("home.city", "home_city", DataType::String, 0);
    home_city.size = 80;

    let mut bill_street = field("billing.street", "bill_street", DataType::String, 0);
    bill_street.creatable = false;
    bill_street.updatable = false;
    let mut bill_city = home_city.clone();
    bill_city.name = "billing.city".into();
    bill_city.column = "bill_city".into();
    bill_city.creatable = false;
    bill_city.updatable = false;

    let mut created = field("stamps.created_at", "created_at", DataType::Timestamp, 0);
    created.auto_create_time = TimeTracking::Time;
    let mut updated = field("stamps.updated_at", "updated_at", DataType::Timestamp, 0);
    updated.auto_update_time = TimeTracking::Time;

    let mut score = field("score", "score", DataType::Int, 64);
    score.creatable = false;
    score.updatable = false;
    let mut origin = field("origin", "origin", DataType::String, 0);
    origin.updatable = false;
    let mut note = field("note", "note", DataType::String, 0);
    note.creatable = false;
    let mut secret = field("secret", "secret", DataType::String, 0);
    secret.readable = false;
    let mut token = field("token", "token", DataType::String, 0);
    token.readable = false;
    token.updatable = false;
    let mut legacy = field("legacy", "legacy", DataType::Int, 32);
    legacy.nullable = true;
    legacy.readable = false;
    legacy.creatable = false;
    legacy.updatable = false;

    let mut deleted = field("deleted_at", "deleted_at", DataType::TimestampTz, 0);
    deleted.nullable = true;
    deleted.soft_delete = SoftDelete::Timestamp;

    vec![
        id,
        email,
        role,
        balance,
        age,
        nick,
        region,
        code,
        joined,
        home_street,
        home_city,
        bill_street,
        bill_city,
        created,
        updated,
        score,
        origin,
        note,
        secret,
        token,
        legacy,
        deleted,
    ]
}

fn member(column: &str, sort: &str, length: u32) -> IndexColumn {
    IndexColumn {
        column: column.into(),
        sort: sort.into(),
        length,
    }
}

fn index(name: &str, unique: bool, columns: Vec<IndexColumn>) -> IndexSchema {
    IndexSchema {
        name: name.into(),
        unique,
        columns: columns.into(),
        kind: "".into(),
        condition: "".into(),
        comment: "".into(),
    }
}

#[test]
fn every_field_of_the_rich_model() {
    let schema = Account::schema();
    assert_eq!(schema.name, "Account");
    assert_eq!(schema.table, "accounts");
    let expected = expected_fields();
    let columns: Vec<&str> = schema.fields.iter().map(|f| f.column.as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|f| f.column.as_str()).collect();
    assert_eq!(
        columns, wanted,
        "columns in declaration order, `cache` ignored"
    );
    for (got, want) in schema.fields.iter().zip(&expected) {
        assert_eq!(got, want, "field `{}`", want.name);
    }
    assert!(std::ptr::eq(schema, Account::schema()), "built once");
}

#[test]
fn indexes_named_composite_and_with_options() {
    let got = &Account::schema().indexes;
    let pair = index(
        "idx_accounts_nick_age",
        false,
        vec![member("nick", "", 0), member("age", "", 0)],
    );
    let nick = index("idx_accounts_nick", false, vec![member("nick", "desc", 0)]);
    let mut region_code = index(
        "idx_accounts_region_code",
        true,
        vec![member("region", "", 0), member("code", "", 0)],
    );
    region_code.condition = "region <> ''".into();
    region_code.comment = "one code per region".into();
    let mut code = index("idx_accounts_code", false, vec![member("code", "", 8)]);
    code.kind = "hash".into();
    let expected = [pair, nick, region_code, code];
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e, "index `{}`", e.name);
    }
}

#[test]
fn an_embedded_struct_is_also_a_model() {
    let schema = Address::schema();
    assert_eq!(schema.table, "addresses");
    assert_eq!(schema.fields.len(), 2);
    assert!(schema.primary_keys().next().is_none(), "no `id`, no key");
}

plugorm_tests::matrix!(auto_migrate_builds_the_table_then_does_nothing);

async fn auto_migrate_builds_the_table_then_does_nothing(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    if backend == Backend::Mysql {
        // MySQL has no partial indexes: the unique index on (region, code) WHERE
        // region <> '' is refused rather than created stricter than the model says.
        let e = db.auto_migrate::<Account>().await.unwrap_err();
        assert!(
            matches!(&e, Error::Db(DbError::Unsupported(m))
                if m.contains("idx_accounts_region_code") && m.contains("partial")),
            "{e}"
        );
        assert!(
            !db.migrator().has_table::<Account>().await.unwrap(),
            "refused before any DDL"
        );
        return;
    }
    let report = db.auto_migrate::<Account>().await.unwrap();
    assert!(report.created_table);
    assert_eq!(
        report.created_indexes,
        [
            "idx_accounts_nick_age",
            "idx_accounts_nick",
            "idx_accounts_region_code",
            "idx_accounts_code"
        ]
    );
    let info = db.migrator().describe::<Account>().await.unwrap();
    let names: Vec<&str> = info.columns.iter().map(|c| c.name.as_str()).collect();
    assert!(
        names.contains(&"legacy"),
        "migration_only columns exist: {names:?}"
    );
    assert!(!names.contains(&"cache"), "ignored fields are no columns");
    let role = info.column("role").unwrap();
    assert_eq!(
        (
            role.sql_type.as_str(),
            role.default.as_ref().map(|d| d.as_str())
        ),
        // PostgreSQL reports a default as it stores it, with the cast to the column type.
        backend.pick(
            ("varchar(16)", Some("'member'")),
            ("varchar(16)", Some("'member'::character varying")),
            ("varchar(16)", Some("'member'")),
        )
    );
    assert!(!info.column("mail").unwrap().nullable, "not_null");
    assert!(info.column("id").unwrap().primary_key);
    let pair = info.index("idx_accounts_nick_age").unwrap();
    assert_eq!(
        pair.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["nick", "age"]
    );
    assert!(info.index("idx_accounts_region_code").unwrap().unique);
    // The constraints work: CHECK `adult`, UNIQUE mail.
    let e = db
        .exec(
            "INSERT INTO accounts (mail, age, region, code) VALUES (?, ?, ?, ?)",
            ("a@x", 12, "eu", "c1"),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().to_lowercase().contains("check"), "{e}");

    let again = db.auto_migrate::<Account>().await.unwrap();
    assert!(again.statements.is_empty(), "{:?}", again.statements);
}

/// A model that is only an embedded struct, and one with no column at all.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Wrapped {
    #[orm(embedded_prefix = "w_")]
    inner: Address,
}

#[derive(Model, Debug, Default)]
struct Nothing {
    #[orm(ignore)]
    note: String,
}

#[test]
fn fields_are_addressed_by_schema_position() {
    use plugorm::{plugin_api::Cell, Value};
    let mut w = Wrapped::new_default();
    w.set_at(1, Cell::Text("Lyon")).unwrap();
    assert_eq!(w.inner.city, "Lyon");
    assert_eq!(w.value_at(1), Value::from("Lyon"));
    assert!(w.is_zero_at(0) && !w.is_zero_at(1));
    assert_eq!(Wrapped::schema().fields[1].name, "inner.city");
    assert!(Nothing::schema().fields.is_empty());
    let nothing = Nothing::new_default();
    assert_eq!(
        (nothing.value_at(0), nothing.note.as_str()),
        (Value::Null, "")
    );

    // Account: direct columns, then two embedded structs, then more columns.
    let mut a = Account::new_default();
    let schema = Account::schema();
    let at = |column: &str| {
        schema
            .fields
            .iter()
            .position(|f| f.column == column)
            .unwrap()
    };
    a.set_at(at("bill_city"), Cell::Text("Oslo")).unwrap();
    a.set_at(
        at("created_at"),
        Cell::of(&Value::from(
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        )),
    )
    .unwrap();
    a.set_at(at("score"), Cell::I64(3)).unwrap();
    assert_eq!((a.billing.city.as_str(), a.score), ("Oslo", 3));
    assert_eq!(a.stamps.created_at.to_string(), "2020-01-01 00:00:00");
    assert_eq!(a.value_at(at("score")), Value::I64(3));
    assert!(a.is_zero_at(at("home_city")) && !a.is_zero_at(at("bill_city")));
    assert_eq!(a.value_at(schema.fields.len()), Value::Null, "past the end");
}
