//! Hand-built schemas for the migration tests: [`schema_model!`](crate::schema_model)
//! declares a model that is only its schema (GORM's golden models need exact field
//! names and types no derive would pick), plus the builders and small helpers the
//! per-dialect migration suites share.
//!
//! ```
//! use plugorm::{plugin_api::schema::DataType, Model};
//! use plugorm_tests::hand_schema::{auto_id, field, model};
//!
//! plugorm_tests::schema_model!(Tag, || model("Tag", "tags", vec![auto_id(), field("label", DataType::String)], vec![]));
//! assert_eq!(Tag::schema().table, "tags");
//! ```

use plugorm::{
    plugin_api::{
        migrate::{Ddl, TableInfo},
        schema::{DataType, FieldSchema, IndexColumn, IndexSchema, ModelSchema},
    },
    Db, DbError, Error,
};

/// Declares `$name`, a model whose only content is the schema `$build()` returns (doc
/// comments and `pub` before the name apply to the struct).
#[macro_export]
macro_rules! schema_model {
    ($(#[$attr:meta])* $vis:vis $name:ident, $build:expr) => {
        $(#[$attr])*
        #[derive(Debug, Default)]
        $vis struct $name;

        impl ::plugorm::Hooks for $name {}

        impl ::plugorm::Model for $name {
            fn schema() -> &'static ::plugorm::plugin_api::schema::ModelSchema {
                static SCHEMA: ::std::sync::OnceLock<::plugorm::plugin_api::schema::ModelSchema> =
                    ::std::sync::OnceLock::new();
                SCHEMA.get_or_init($build)
            }
            fn new_default() -> Self {
                $name
            }
            fn value_at(&self, _index: usize) -> ::plugorm::Value {
                ::plugorm::Value::Null
            }
            fn is_zero_at(&self, _index: usize) -> bool {
                true
            }
            fn set_at(
                &mut self,
                _index: usize,
                _cell: ::plugorm::plugin_api::Cell<'_>,
            ) -> Result<(), ::plugorm::plugin_api::row::DecodeError> {
                Ok(())
            }
        }
    };
}

/// A field whose Rust name is its column.
pub fn field(column: &str, ty: DataType) -> FieldSchema {
    FieldSchema::new(column, column, ty)
}

/// A field whose Rust name differs from its column (`Name` → `name`), as GORM's.
pub fn named(rust: &str, column: &str, ty: DataType) -> FieldSchema {
    FieldSchema::new(rust, column, ty)
}

/// GORM's `ID uint` primary key, auto-increment.
pub fn auto_id() -> FieldSchema {
    let mut id = named("ID", "id", DataType::UInt);
    id.primary_key = true;
    id.auto_increment = true;
    id
}

/// A plain index over `columns`.
pub fn index(name: &str, unique: bool, columns: &[&str]) -> IndexSchema {
    IndexSchema {
        name: name.into(),
        unique,
        columns: columns
            .iter()
            .map(|c| IndexColumn {
                column: (*c).into(),
                sort: "".into(),
                length: 0,
            })
            .collect(),
        kind: "".into(),
        condition: "".into(),
        comment: "".into(),
    }
}

/// A model schema from its parts.
pub fn model(
    name: &str,
    table: &str,
    fields: Vec<FieldSchema>,
    indexes: Vec<IndexSchema>,
) -> ModelSchema {
    ModelSchema {
        name: name.into(),
        table: table.into(),
        fields: fields.into(),
        indexes: indexes.into(),
    }
}

/// The texts a DDL operation renders to on `db`'s dialect.
pub fn render(db: &Db, ddl: &Ddl) -> Vec<String> {
    match db.dialect().render_ddl(ddl) {
        Ok(list) => list.iter().map(|s| s.text.to_string()).collect(),
        Err(e) => panic!("{ddl:?} did not render: {e}"),
    }
}

/// Statements joined as the golden texts write them (` ; `).
pub fn joined(statements: &[String]) -> String {
    statements.join(" ; ")
}

/// The database error inside `e` (a test failure for any other error).
pub fn db_err(e: Error) -> DbError {
    match e {
        Error::Db(d) => d,
        other => panic!("expected a database error, got {other:?}"),
    }
}

/// The value of `r`, or a test failure naming `what`.
pub fn ok<T>(r: plugorm::Result<T>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: {e}"),
    }
}

/// The column names of a described table, in order.
pub fn column_names(info: &TableInfo) -> Vec<String> {
    info.columns.iter().map(|c| c.name.to_string()).collect()
}

/// The table `table` as `db` describes it (a test failure if it cannot).
pub async fn describe(db: &Db, table: &str) -> TableInfo {
    ok(db.migrator().describe_table(table).await, "describe")
}
