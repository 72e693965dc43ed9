//! The PostgreSQL dialect: rendering overrides and connecting.

use std::sync::Arc;

use plugorm_plugin_api::{
    dialect::{Capabilities, Dialect, PoolOptions},
    kit::KitPool,
    migrate::{ForeignKeySchema, TableInfo},
    render::{defaults, SqlRenderer, SqlWriter},
    runtime::in_runtime,
    schema::{FieldSchema, IndexSchema, ModelSchema},
    statement::{Select, TableRef},
    BoxFuture, DbError, DbResult, Pool, Rows, Sql,
};

use crate::{
    ddl,
    driver::PgDriver,
    introspect,
    options::{self, Target},
};

/// The kit reports a first connection that outlived the connect timeout as a bare
/// timeout; one more direct attempt names the cause (a server that accepts the socket
/// but never answers, a TLS handshake that hangs).
async fn timed_out(target: &Target, timeout_ms: u64) -> DbError {
    use sqlx_core::connection::Connection as _;
    let attempt = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sqlx_postgres::PgConnection::connect_with(&target.connect),
    )
    .await;
    let cause = match attempt {
        Ok(Err(e)) => format!("; last attempt: {e}"),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            String::new()
        }
        Err(_) => "; last attempt: no answer within 2 s".to_string(),
    };
    DbError::Connect {
        message: format!(
            "{}: no connection within the connect timeout ({timeout_ms} ms){cause}",
            target.label
        ),
    }
}

/// The PostgreSQL dialect.
///
/// Rendering is the default renderer's (GORM's generic clause builders, double-quoted
/// identifiers) with `$n` placeholders, so LIMIT and OFFSET are bound parameters too:
///
/// ```
/// use plugorm_plugin_api::{statement::{Expr, Select, Statement, TableRef}, Dialect};
/// let mut q = Select::from_table(TableRef::new("users"));
/// q.filter(Expr::col("users", "name").eq("jinzhu"));
/// q.limit = Some(1).into();
/// let sql = plugorm_postgres::PostgresDialect.render(&Statement::Select(q)).unwrap();
/// assert_eq!(sql.text.as_str(), r#"SELECT * FROM "users" WHERE "users"."name" = $1 LIMIT $2"#);
/// assert_eq!(sql.params.len(), 2);
/// ```
///
/// DDL follows GORM's postgres driver (see the `ddl` module):
///
/// ```
/// use plugorm_plugin_api::{migrate::Ddl, schema::{DataType, FieldSchema}, statement::TableRef, Dialect};
/// let ddl = Ddl::AddColumn { table: TableRef::new("users"), field: FieldSchema::new("age", "age", DataType::UInt) };
/// let sql = Dialect::render_ddl(&plugorm_postgres::PostgresDialect, &ddl).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "users" ADD "age" bigint"#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl SqlRenderer for PostgresDialect {
    /// `$1`, `$2`, … by position.
    fn write_placeholder(&self, w: &mut SqlWriter, index: usize) {
        w.push('$');
        w.push_str(&index.to_string());
    }

    /// `LIMIT $n OFFSET $m`; PostgreSQL accepts an offset alone, written `OFFSET $n` as
    /// GORM's postgres driver does (G47).
    fn write_limit_offset(
        &self,
        w: &mut SqlWriter,
        limit: Option<u64>,
        offset: Option<u64>,
        select: &Select,
    ) -> DbResult<()> {
        match (limit, offset) {
            (None, Some(o)) => {
                defaults::write_offset(self, w, o);
                Ok(())
            }
            _ => defaults::write_limit_offset(self, w, limit, offset, select),
        }
    }

    /// PostgreSQL truncates identifiers to 63 bytes (`NAMEDATALEN - 1`).
    fn identifier_max_length(&self) -> usize {
        63
    }

    fn column_type(&self, field: &FieldSchema) -> DbResult<String> {
        Ok(ddl::column_type(field))
    }

    fn ddl_create_table(&self, table: &TableRef, schema: &ModelSchema) -> DbResult<Vec<Sql>> {
        ddl::create_table(self, table, schema, &[])
    }

    fn ddl_create_table_with_foreign_keys(
        &self,
        table: &TableRef,
        schema: &ModelSchema,
        foreign_keys: &[ForeignKeySchema],
    ) -> DbResult<Vec<Sql>> {
        ddl::create_table(self, table, schema, foreign_keys)
    }

    fn ddl_add_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::add_column(self, table, field)
    }

    fn ddl_alter_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::alter_column(self, table, field)
    }

    fn ddl_create_index(&self, table: &TableRef, index: &IndexSchema) -> DbResult<Vec<Sql>> {
        ddl::create_index(self, table, index)
    }

    fn ddl_drop_table(&self, table: &TableRef, if_exists: bool) -> DbResult<Vec<Sql>> {
        ddl::drop_table(self, table, if_exists)
    }

    fn ddl_list_tables(&self) -> DbResult<Vec<Sql>> {
        crate::catalog::list_tables(self)
    }

    fn ddl_current_database(&self) -> DbResult<Vec<Sql>> {
        crate::catalog::current_database()
    }

    fn lexicon(&self) -> plugorm_plugin_api::kit::lexer::Lexicon {
        plugorm_plugin_api::kit::lexer::Lexicon::POSTGRES
    }

    fn ddl_migration_lock(&self, acquire: bool) -> DbResult<Vec<Sql>> {
        crate::catalog::migration_lock(self, acquire)
    }

    fn ddl_column_comments(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        crate::catalog::column_comments(self, table)
    }

    fn ddl_has_constraint(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        plugorm_plugin_api::render::ddl::has_constraint(
            self,
            table,
            name,
            &crate::catalog::CONSTRAINTS,
        )
    }
}

impl Dialect for PostgresDialect {
    fn name(&self) -> &str {
        "postgres"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec!["postgres".into(), "postgresql".into()]
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        // The protocol counts parameters in an unsigned 16-bit field.
        c.max_params = 65_535;
        c.transactional_ddl = true;
        c
    }

    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        Some(self)
    }

    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        introspect::queries(table)
    }

    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        introspect::parse(table, results)
    }

    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let url = url.to_string();
        Box::pin(in_runtime(async move {
            let target = options::parse(&url)?;
            // A build with the SQL Server plugin has rustls with two crypto providers
            // (tiberius pulls aws-lc-rs), and sqlx's `verify-ca` verifier asks for the
            // process default, which rustls cannot then pick: ring, as sqlx uses.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let timeout_ms = options.connect_timeout_ms;
            // The kit connects once right away: a refused connection, a bad password, an
            // unknown setting or a TLS failure comes back here with the driver's message.
            let pool = match KitPool::open(PgDriver::new(target.clone()), options).await {
                Ok(pool) => pool,
                Err(DbError::Timeout(_)) => return Err(timed_out(&target, timeout_ms).await),
                Err(e) => return Err(e),
            };
            tracing::info!(database = %target.label, "postgres pool opened");
            Ok(pool)
        }))
    }
}
