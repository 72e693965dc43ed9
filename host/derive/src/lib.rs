//! `#[derive(Model)]` for plugorm: maps a struct with named fields to a table, following
//! GORM's conventions. Use it through its re-export, `plugorm::Model` (the derive and the
//! trait share the name, as with serde).
//!
//! The crate cannot depend on plugorm, so the examples here are not compiled; the
//! re-export's documentation in plugorm carries the same example as a tested doctest.

mod attr;
mod expand;
mod inflect;
mod model;
mod naming;

use proc_macro::TokenStream;

/// Derives `plugorm::Model` (and `plugorm::model::Embedded`, so any model can be embedded
/// in another), an empty `plugorm::Hooks` impl unless the struct says `#[orm(hooks)]`, and
/// a typed column handle per column field (`User::AGE: Column<User, i32>`).
///
/// ```ignore
/// use plugorm::Model;
///
/// #[derive(Model, Debug, Default, Clone)]
/// struct User {
///     id: i64,                                   // primary key, auto-increment
///     #[orm(size = 64, not_null, unique_index)]
///     email: String,
///     #[orm(index(name = "idx_users_name_age", priority = 1))]
///     name: String,
///     #[orm(index(name = "idx_users_name_age", priority = 2, sort = "desc"))]
///     age: i32,
///     #[orm(default = "member")]
///     role: String,
///     #[orm(embedded_prefix = "home_")]
///     address: Address,                          // columns home_street, home_city
///     #[orm(readonly)]
///     score: i64,                                // read, never written
///     #[orm(ignore)]
///     session_cache: Vec<String>,                // not a column at all
///     created_at: chrono::NaiveDateTime,         // set on create
///     updated_at: chrono::NaiveDateTime,         // set on create and update
///     #[orm(soft_delete)]
///     deleted_at: Option<chrono::NaiveDateTime>, // served by the soft-delete plugin
/// }
///
/// #[derive(Model, Debug, Default, Clone)]
/// struct Address { street: String, city: String }
///
/// assert_eq!(User::schema().table, "users");
/// let adults = User::AGE.gte(18);                // a typed condition
/// ```
///
/// # Conventions (GORM's)
///
/// * **Table**: the snake-case plural of the struct name, with GORM's inflection rules:
///   `User` → `users`, `Company` → `companies`, `Box` → `boxes`, `UserIndex` →
///   `user_indices`, `Person` → `people`, `User2` → `user2`. Override with
///   `#[orm(table = "…")]` on the struct.
/// * **Column**: the snake case of the field name (`userID` → `user_id`).
/// * **Primary key**: a field named (or columned) `id`, unless another field is marked
///   `primary_key`. The prioritized key — `id`, the only key, or the `auto_increment` one
///   of a composite key — is auto-increment when it is an integer, unless it says
///   `auto_increment = false`.
/// * **Time tracking**: a field named `created_at` (`updated_at`) of a date-time or integer
///   type is filled on create (on create and every update), as if it had
///   `auto_create_time` (`auto_update_time`). An integer stores Unix seconds.
/// * **Field types**: anything implementing `plugorm::FieldType` — integers, floats, `bool`,
///   `String`, `Vec<u8>`, `Option<T>` (a nullable column), chrono's date / time types,
///   `uuid::Uuid`, `rust_decimal::Decimal`, `serde_json::Value`, and your own types. The
///   column type comes from `FieldType::DATA_TYPE` / `BITS` / `NULLABLE`. The column handle
///   `Column<M, T>` needs `T: Into<plugorm::Value>`: implement `From<T> for Value` for your
///   own field types.
///
/// # Struct attributes
///
/// | attribute | effect |
/// | --- | --- |
/// | `table = "name"` | the table name |
/// | `hooks` | you implement `plugorm::Hooks` yourself (otherwise the derive writes an empty impl) |
///
/// # Field attributes
///
/// Several entries go in one `#[orm(…)]`, or in several; GORM's tag names are given for
/// comparison.
///
/// | attribute | GORM tag | effect |
/// | --- | --- | --- |
/// | `column = "name"` | `column` | the column name |
/// | `type = "varchar(20)"` | `type` | the column type, verbatim, instead of the dialect's mapping |
/// | `size = 64` | `size` | length of a string / bytes column |
/// | `precision = 10`, `scale = 2` | `precision`, `scale` | numeric or time precision |
/// | `primary_key` | `primaryKey` | part of the primary key (several fields: a composite key) |
/// | `auto_increment`, `auto_increment = false` | `autoIncrement` | database-generated key; `false` turns off the convention |
/// | `unique` | `unique` | a UNIQUE constraint `uni_<table>_<column>` |
/// | `default = 0` / `"text"` / `1.5` / `true` | `default` | a literal default (strings are quoted as SQL strings); a zero value on create takes it and reads it back |
/// | `default_sql = "CURRENT_TIMESTAMP"` | `default` | a default written verbatim as SQL |
/// | `not_null` | `not null` | NOT NULL |
/// | `index`, `unique_index` | `index`, `uniqueIndex` | an index `idx_<table>_<column>` (see below) |
/// | `check = "age > 0"`, `check(name = "n", expr = "…")` | `check` | a CHECK constraint (`chk_<table>_<column>` unless named) |
/// | `comment = "…"` | `comment` | the column comment |
/// | `embedded` | `embedded` | flatten an `Embedded` struct's columns into this table |
/// | `embedded_prefix = "p_"` | `embeddedPrefix` | embedded, each column prefixed |
/// | `readonly` | `->` | read, never written by create or update |
/// | `create_only` | `<-:create` | written on create, never on update |
/// | `update_only` | `<-:update` | written on update, never on create |
/// | `write_only` | `->:false` | written, never read back (combine with `create_only` / `update_only`) |
/// | `migration_only` | `->:false;<-:false` | the column exists (AutoMigrate creates it) but the model neither reads nor writes it |
/// | `skip_migration` | `-:migration` | read and written, never created by AutoMigrate |
/// | `ignore` | `-` | not a column at all (the field only needs `Default`) |
/// | `auto_create_time`, `= "second"` / `"milli"` / `"nano"`, `= false` | `autoCreateTime` | set to now on create when zero; the modes store Unix time in an integer |
/// | `auto_update_time`, `= "second"` / `"milli"` / `"nano"`, `= false` | `autoUpdateTime` | set to now on create and on every update |
/// | `soft_delete`, `= "timestamp"` / `"second"` / `"milli"` / `"nano"` / `"flag"` | `softDelete` | the soft-delete field (needs the soft-delete plugin): bare means `"timestamp"` for an `Option` of a date-time, `"second"` for an integer |
/// | `soft_delete_at = "field"` | `DeletedAtField` | with `soft_delete = "flag"`: the field that receives the deletion time (mixed mode) |
/// | `serializer = "json"` / `"binary"` / `"unixtime"` / a registered name | `serializer` | any serde type (`Serialize + DeserializeOwned + Default`), encoded and decoded by that serializer (see `plugorm::serializer`); `Option<T>` is nullable; the column is text unless `type` says otherwise (bytes for `binary`; for `unixtime` an integer, or a timestamp when the field is an integer) |
///
/// Indexes, like GORM's `index` tag options:
///
/// * `index` — `idx_<table>_<column>`;
/// * `index = "idx_name"` — a named index; fields naming the same index form one composite
///   index, members ordered by `priority` (default 10), then by declaration order;
/// * `index(name = "…", composite = "x", priority = 1, sort = "desc", length = 10,
///   kind = "btree", class = "FULLTEXT", condition = "deleted_at IS NULL",
///   comment = "…", unique)` — `composite = "x"` names the index `idx_<table>_x`;
///   `kind` is the method (`USING btree`), `class` one of UNIQUE / FULLTEXT / SPATIAL;
///   `condition` makes a partial index (GORM's `where`);
/// * `unique_index`, `unique_index = "…"`, `unique_index(…)` — the same, unique.
///
/// A field may be in several indexes (`index = "a", index = "b"`).
///
/// # Errors
///
/// Bad attributes are compile errors pointing at the attribute: an unknown key, a value of
/// the wrong kind (`size = "big"`), options that contradict each other (`readonly,
/// create_only`; `ignore` with anything else), two fields on one column, two soft-delete
/// fields, a composite index whose members disagree on `unique`, a field type that cannot
/// hold the mode asked for (`auto_create_time = "milli"` on a date-time), enums, unions,
/// tuple and generic structs.
///
/// # What is generated
///
/// `Model::schema()` builds the `ModelSchema` once (a `OnceLock`); fields are addressed by
/// their position in it, embedded structs flattened in place (named `outer.inner`).
/// Embedded structs contribute their columns, not their indexes; typed handles exist for
/// the struct's own columns (`Column::new("home_street")` reaches an embedded one).
#[proc_macro_derive(Model, attributes(orm))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_model(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
