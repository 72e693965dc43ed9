//! The type mapping on every backend: one column of each logical type, the type the
//! dialect renders for it, the table AutoMigrate creates, and the type introspection
//! reads back. The tables differ per dialect (each maps its own native types), the test
//! does not.

use plugorm::{
    plugin_api::{
        migrate::Ddl,
        schema::{DataType, FieldSchema, ModelSchema},
        statement::TableRef,
    },
    Db, Model,
};
use plugorm_tests::{
    hand_schema::{auto_id, field, model, ok, render},
    matrix::Backend,
    schema_model,
};

plugorm_tests::matrix!(type_mapping_renders_creates_and_reads_back);

/// A column: the field, the type it renders to, the type introspection reports.
type Row = (FieldSchema, &'static str, &'static str);

fn with(column: &str, ty: DataType, edit: &dyn Fn(&mut FieldSchema)) -> FieldSchema {
    let mut f = field(column, ty);
    edit(&mut f);
    f
}

fn sqlite_types() -> Vec<Row> {
    vec![
        (auto_id(), "integer PRIMARY KEY AUTOINCREMENT", "integer"),
        (field("c_bool", DataType::Bool), "numeric", "numeric"),
        (field("c_int", DataType::Int), "integer", "integer"),
        (
            with("c_i16", DataType::Int, &|f| f.bits = 16),
            "integer",
            "integer",
        ),
        (field("c_uint", DataType::UInt), "integer", "integer"),
        (
            with("c_auto_not_key", DataType::Int, &|f| {
                f.auto_increment = true
            }),
            "integer",
            "integer",
        ),
        (field("c_float", DataType::Float), "real", "real"),
        (
            with("c_f32", DataType::Float, &|f| f.bits = 32),
            "real",
            "real",
        ),
        (field("c_text", DataType::String), "text", "text"),
        (
            with("c_varchar", DataType::String, &|f| f.size = 100),
            "text",
            "text",
        ),
        (
            with("c_explicit", DataType::String, &|f| {
                f.sql_type = Some("varchar(20)".into()).into()
            }),
            "varchar(20)",
            "varchar(20)",
        ),
        (field("c_bytes", DataType::Bytes), "blob", "blob"),
        (
            field("c_timestamp", DataType::Timestamp),
            "datetime",
            "datetime",
        ),
        (
            with("c_timestamptz", DataType::TimestampTz, &|f| f.precision = 6),
            "datetime",
            "datetime",
        ),
        (field("c_date", DataType::Date), "date", "date"),
        (field("c_time", DataType::Time), "time", "time"),
        (
            with("c_decimal", DataType::Decimal, &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "text",
            "text",
        ),
        (field("c_uuid", DataType::Uuid), "text", "text"),
        (field("c_json", DataType::Json), "text", "text"),
        (not_null(), "integer NOT NULL DEFAULT 7", "integer"),
    ]
}

fn postgres_types() -> Vec<Row> {
    vec![
        (auto_id(), "bigserial", "bigint"),
        (field("c_bool", DataType::Bool), "boolean", "boolean"),
        (field("c_int", DataType::Int), "bigint", "bigint"),
        (
            with("c_i16", DataType::Int, &|f| f.bits = 16),
            "smallint",
            "smallint",
        ),
        (
            with("c_i32", DataType::Int, &|f| f.bits = 32),
            "integer",
            "integer",
        ),
        (
            with("c_u16", DataType::UInt, &|f| f.bits = 16),
            "integer",
            "integer",
        ),
        (
            with("c_u32", DataType::UInt, &|f| f.bits = 32),
            "bigint",
            "bigint",
        ),
        (
            with("c_serial", DataType::Int, &|f| {
                f.bits = 32;
                f.auto_increment = true
            }),
            "serial",
            "integer",
        ),
        (
            field("c_float", DataType::Float),
            "double precision",
            "double precision",
        ),
        (
            with("c_f32", DataType::Float, &|f| f.bits = 32),
            "real",
            "real",
        ),
        (
            with("c_fnum", DataType::Float, &|f| {
                f.precision = 8;
                f.scale = 3
            }),
            "numeric(8, 3)",
            "numeric(8,3)",
        ),
        (field("c_text", DataType::String), "text", "text"),
        (
            with("c_varchar", DataType::String, &|f| f.size = 100),
            "varchar(100)",
            "varchar(100)",
        ),
        (
            with("c_explicit", DataType::String, &|f| {
                f.sql_type = Some("char(3)".into()).into()
            }),
            "char(3)",
            "char(3)",
        ),
        (field("c_bytes", DataType::Bytes), "bytea", "bytea"),
        (
            field("c_timestamp", DataType::Timestamp),
            "timestamp",
            "timestamp",
        ),
        (
            with("c_timestamptz", DataType::TimestampTz, &|f| f.precision = 3),
            "timestamptz(3)",
            "timestamptz(3)",
        ),
        (field("c_date", DataType::Date), "date", "date"),
        (field("c_time", DataType::Time), "time", "time"),
        (field("c_decimal", DataType::Decimal), "numeric", "numeric"),
        (
            with("c_money", DataType::Decimal, &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "numeric(10, 2)",
            "numeric(10,2)",
        ),
        (field("c_uuid", DataType::Uuid), "uuid", "uuid"),
        (field("c_json", DataType::Json), "jsonb", "jsonb"),
        (not_null(), "bigint NOT NULL DEFAULT 7", "bigint"),
    ]
}

/// MariaDB reads a JSON column back as `longtext`, MySQL as `json`.
fn mysql_types(mariadb: bool) -> Vec<Row> {
    vec![
        (
            auto_id(),
            "bigint unsigned AUTO_INCREMENT",
            "bigint unsigned",
        ),
        (field("c_bool", DataType::Bool), "boolean", "tinyint(1)"),
        (field("c_int", DataType::Int), "bigint", "bigint"),
        (
            with("c_i8", DataType::Int, &|f| f.bits = 8),
            "tinyint",
            "tinyint",
        ),
        (
            with("c_i16", DataType::Int, &|f| f.bits = 16),
            "smallint",
            "smallint",
        ),
        (with("c_i32", DataType::Int, &|f| f.bits = 32), "int", "int"),
        (
            with("c_u32", DataType::UInt, &|f| f.bits = 32),
            "int unsigned",
            "int unsigned",
        ),
        (
            field("c_uint", DataType::UInt),
            "bigint unsigned",
            "bigint unsigned",
        ),
        (field("c_float", DataType::Float), "double", "double"),
        (
            with("c_f32", DataType::Float, &|f| f.bits = 32),
            "float",
            "float",
        ),
        (
            with("c_money", DataType::Float, &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "decimal(10, 2)",
            "decimal(10,2)",
        ),
        (field("c_text", DataType::String), "longtext", "longtext"),
        (
            with("c_varchar", DataType::String, &|f| f.size = 100),
            "varchar(100)",
            "varchar(100)",
        ),
        (
            with("c_explicit", DataType::String, &|f| {
                f.sql_type = Some("varchar(20)".into()).into()
            }),
            "varchar(20)",
            "varchar(20)",
        ),
        (
            with("c_defaulted", DataType::String, &|f| {
                f.default = Some("'x'".into()).into()
            }),
            "varchar(191) DEFAULT 'x'",
            "varchar(191)",
        ),
        (field("c_bytes", DataType::Bytes), "longblob", "longblob"),
        (
            with("c_varbinary", DataType::Bytes, &|f| f.size = 16),
            "varbinary(16)",
            "varbinary(16)",
        ),
        (
            field("c_timestamp", DataType::Timestamp),
            "datetime(3) NULL",
            "datetime(3)",
        ),
        (
            with("c_timestamptz", DataType::TimestampTz, &|f| f.precision = 6),
            "datetime(6) NULL",
            "datetime(6)",
        ),
        (field("c_date", DataType::Date), "date", "date"),
        (field("c_time", DataType::Time), "time(3)", "time(3)"),
        (
            with("c_decimal", DataType::Decimal, &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "decimal(10, 2)",
            "decimal(10,2)",
        ),
        (
            field("c_decimal_default", DataType::Decimal),
            "decimal(38, 10)",
            "decimal(38,10)",
        ),
        (field("c_uuid", DataType::Uuid), "char(36)", "char(36)"),
        (
            field("c_json", DataType::Json),
            "json",
            if mariadb { "longtext" } else { "json" },
        ),
        (not_null(), "bigint NOT NULL DEFAULT 7", "bigint"),
    ]
}

fn not_null() -> FieldSchema {
    with("c_not_null", DataType::Int, &|f| {
        f.not_null = true;
        f.default = Some("7".into()).into()
    })
}

fn all_types(rows: Vec<Row>) -> ModelSchema {
    let fields = rows.into_iter().map(|(f, _, _)| f).collect();
    model("AllTypes", "all_types", fields, vec![])
}
schema_model!(SqliteTypes, || all_types(sqlite_types()));
schema_model!(PostgresTypes, || all_types(postgres_types()));
schema_model!(MysqlTypes, || all_types(mysql_types(true)));

async fn is_mariadb(db: &Db) -> bool {
    let version: String =
        ok(db.raw_scalar("SELECT VERSION()", ()).await, "version").unwrap_or_default();
    version.to_ascii_lowercase().contains("mariadb")
}

async fn type_mapping_renders_creates_and_reads_back(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let types = match backend {
        Backend::Sqlite => sqlite_types(),
        Backend::Postgres => postgres_types(),
        Backend::Mysql => mysql_types(is_mariadb(&db).await),
        Backend::SqlServer => panic!("no SQL Server expectation written yet for this test"),
    };
    let q = backend.pick('`', '"', '`');
    for (f, rendered, _) in &types {
        let sql = render(
            &db,
            &Ddl::AddColumn {
                table: TableRef::new("t"),
                field: f.clone(),
            },
        );
        let column = &f.column;
        assert_eq!(
            sql,
            [format!("ALTER TABLE {q}t{q} ADD {q}{column}{q} {rendered}")]
        );
    }
    match backend {
        Backend::Sqlite => created_and_read_back::<SqliteTypes>(&db, &types).await,
        Backend::Postgres => created_and_read_back::<PostgresTypes>(&db, &types).await,
        Backend::Mysql => created_and_read_back::<MysqlTypes>(&db, &types).await,
        Backend::SqlServer => panic!("no SQL Server expectation written yet for this test"),
    }
    let info = ok(db.migrator().describe_table("all_types").await, "describe");
    let id = info.column("id").unwrap();
    assert!(id.primary_key && !id.nullable);
    let nn = info.column("c_not_null").unwrap();
    assert!(!nn.nullable);
    assert_eq!(nn.default.as_ref().map(|d| d.as_str()), Some("7"));
    let text = info.column("c_text").unwrap();
    assert!(text.nullable && text.default.is_none());
    assert_eq!(text.size, 0);
    assert!(info.column("c_bool").unwrap().nullable);
    // A sized string is a plain `text` on SQLite.
    let varchar = info.column("c_varchar").unwrap();
    assert_eq!(varchar.size, backend.pick(0, 100, 100));
    match backend {
        Backend::Sqlite => {}
        Backend::Postgres => {
            assert!(id.default.as_ref().is_some_and(|d| d.contains("nextval")));
            assert_eq!(info.column("c_explicit").unwrap().size, 3);
        }
        Backend::Mysql => assert_eq!(info.column("c_varbinary").unwrap().size, 16),
        Backend::SqlServer => panic!("no SQL Server expectation written yet for this test"),
    }
}

/// AutoMigrate creates `M` (whose fields are `types`' fields), introspection reads each
/// column's type back, and a second run has nothing to do.
async fn created_and_read_back<M: Model>(db: &Db, types: &[Row]) {
    let report = ok(db.auto_migrate::<M>().await, "create");
    assert!(report.created_table);
    let info = ok(db.migrator().describe_table("all_types").await, "describe");
    for (f, _, introspected) in types {
        let c = info
            .column(&f.column)
            .unwrap_or_else(|| panic!("{} missing", f.column));
        assert_eq!(c.sql_type.as_str(), *introspected, "{}", f.column);
    }
    assert!(ok(db.auto_migrate::<M>().await, "again").is_empty());
}
