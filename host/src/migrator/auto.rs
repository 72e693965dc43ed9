//! AutoMigrate: compare the model with the table's description and plan only what is
//! missing.

use plugorm_plugin_api::{
    migrate::{ColumnInfo, Ddl, ForeignKeySchema, TableInfo},
    schema::{DataType, FieldSchema, ModelSchema},
    statement::TableRef,
    DbError,
};

use super::{MigrationReport, Migrator};
use crate::{model::Model, Result};

/// The DDL that brings `info` up to `schema`: the table (with `foreign_keys` inside) and
/// its indexes when the table is missing; otherwise each missing migrated column, then
/// each missing index. Nothing is dropped or altered.
pub(super) fn plan(
    schema: &ModelSchema,
    table: &TableRef,
    info: &TableInfo,
    foreign_keys: Vec<ForeignKeySchema>,
) -> Vec<Ddl> {
    let mut out = Vec::new();
    if !info.exists {
        out.push(if foreign_keys.is_empty() {
            Ddl::CreateTable {
                table: table.clone(),
                schema: schema.clone(),
            }
        } else {
            Ddl::CreateTableWithForeignKeys {
                table: table.clone(),
                schema: schema.clone(),
                foreign_keys: foreign_keys.into(),
            }
        });
        out.extend(schema.indexes.iter().map(|index| Ddl::CreateIndex {
            table: table.clone(),
            index: index.clone(),
        }));
        return out;
    }
    for field in schema.fields.iter().filter(|f| f.migrate) {
        match info.column(&field.column) {
            None => out.push(Ddl::AddColumn {
                table: table.clone(),
                field: field.clone(),
            }),
            Some(column) if widens(field, column) => out.push(Ddl::AlterColumn {
                table: table.clone(),
                field: field.clone(),
            }),
            Some(_) => {}
        }
    }
    for index in schema.indexes.iter() {
        if info.index(&index.name).is_none() {
            out.push(Ddl::CreateIndex {
                table: table.clone(),
                index: index.clone(),
            });
        }
    }
    out
}

/// True when the model asks for a longer string or bytes column than the database has:
/// the one change of an existing column AutoMigrate makes, since no value can be lost
/// (a column is never narrowed, retyped or dropped). A column without a declared length
/// (`text`) or a field without a size is left alone.
fn widens(field: &FieldSchema, column: &ColumnInfo) -> bool {
    matches!(field.data_type, DataType::String | DataType::Bytes)
        && field.sql_type.is_none()
        && column.size > 0
        && field.size > column.size
}

impl Migrator {
    /// Creates the model's table when missing, adds missing columns and creates missing
    /// indexes; runs no statement when the table already matches. Join tables of its
    /// many-to-many relations are migrated too, and the FOREIGN KEY constraints on these
    /// tables (belongs-to, join tables) are created when the tables they reference exist.
    /// See [`crate::Db::auto_migrate`] and, for several models with the constraints
    /// between them, [`Migrator::auto_migrate_all`].
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let report = db.migrator().auto_migrate::<User>().await?;
    /// for sql in &report.statements {
    ///     println!("{sql}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn auto_migrate<T: Model>(&self) -> Result<MigrationReport> {
        let models = vec![super::constraints::of_model::<T>()?];
        let mut reports = self.migrate_models(models).await?;
        let own = super::table_label(&super::model_table::<T>());
        let at = reports.iter().position(|r| r.table == own).unwrap_or(0);
        if reports.is_empty() {
            return Ok(MigrationReport::for_table(&super::model_table::<T>()));
        }
        // One report for the model: its table's, with the join tables' statements after.
        let mut report = reports.remove(at);
        for other in reports {
            report.statements.extend(other.statements);
            report.created_constraints.extend(other.created_constraints);
            report.skipped_constraints.extend(other.skipped_constraints);
        }
        Ok(report)
    }

    /// Renders every planned step first — so a step the dialect refuses stops the
    /// migration before anything runs — then runs them in order, recording what each did.
    pub(super) async fn run_plan(
        &self,
        steps: Vec<Ddl>,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let mut rendered = Vec::with_capacity(steps.len());
        for ddl in steps {
            let what = describe_step(&ddl, &report.table);
            let statements = match self.render_step(&ddl, &what) {
                // A widening the dialect cannot make in place (SQLite) is reported, not
                // fatal: the column keeps working at its old length.
                Err(crate::Error::Db(DbError::Unsupported(why)))
                    if matches!(ddl, Ddl::AlterColumn { .. }) =>
                {
                    tracing::warn!(target: "plugorm::migrate", "{what}: {why}");
                    report.skipped_changes.push(format!("{what}: {why}"));
                    continue;
                }
                other => other?,
            };
            rendered.push((ddl, what, statements));
        }
        for (ddl, what, statements) in rendered {
            self.execute_step(statements, &what, report).await?;
            match ddl {
                Ddl::CreateTable { .. } => report.created_table = true,
                Ddl::AddColumn { field, .. } => report.added_columns.push(field.column.into()),
                Ddl::AlterColumn { field, .. } => report.widened_columns.push(field.column.into()),
                Ddl::CreateIndex { index, .. } => report.created_indexes.push(index.name.into()),
                Ddl::CreateTableWithForeignKeys { foreign_keys, .. } => {
                    report.created_table = true;
                    report
                        .created_constraints
                        .extend(foreign_keys.into_iter().map(|f| f.name.into()));
                }
                Ddl::AddForeignKey { foreign_key, .. } => {
                    report.created_constraints.push(foreign_key.name.into())
                }
                Ddl::AddCheck { name, .. } => report.created_constraints.push(name.into()),
                _ => {}
            }
        }
        Ok(())
    }
}

/// What a step does, for error messages.
fn describe_step(ddl: &Ddl, table: &str) -> String {
    match ddl {
        Ddl::CreateTable { .. } | Ddl::CreateTableWithForeignKeys { .. } => {
            format!("creating table `{table}`")
        }
        Ddl::AddForeignKey { foreign_key, .. } => {
            format!(
                "adding foreign key `{}` to table `{table}`",
                foreign_key.name
            )
        }
        Ddl::AddColumn { field, .. } => {
            format!("adding column `{}` to table `{table}`", field.column)
        }
        Ddl::AlterColumn { field, .. } => {
            format!(
                "widening column `{}` of table `{table}` to {}",
                field.column, field.size
            )
        }
        Ddl::CreateIndex { index, .. } => {
            format!("creating index `{}` on table `{table}`", index.name)
        }
        Ddl::AddCheck { name, .. } => format!("adding check `{name}` to table `{table}`"),
        _ => format!("migrating table `{table}`"),
    }
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        migrate::{ColumnInfo, IndexInfo},
        schema::{DataType, FieldSchema, IndexColumn, IndexSchema},
    };

    use super::*;

    fn schema() -> ModelSchema {
        let mut id = FieldSchema::new("id", "id", DataType::Int);
        id.primary_key = true;
        let mut skipped = FieldSchema::new("tmp", "tmp", DataType::Int);
        skipped.migrate = false;
        ModelSchema {
            name: "User".into(),
            table: "users".into(),
            fields: vec![
                id,
                FieldSchema::new("name", "name", DataType::String),
                skipped,
            ]
            .into(),
            indexes: vec![IndexSchema {
                name: "idx_users_name".into(),
                unique: false,
                columns: vec![IndexColumn {
                    column: "name".into(),
                    sort: "".into(),
                    length: 0,
                }]
                .into(),
                kind: "".into(),
                condition: "".into(),
                comment: "".into(),
            }]
            .into(),
        }
    }

    fn column(name: &str) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            sql_type: "integer".into(),
            nullable: true,
            default: None.into(),
            primary_key: false,
            size: 0,
        }
    }

    #[test]
    fn missing_table_creates_table_then_indexes() {
        let t = TableRef::new("users");
        let p = plan(&schema(), &t, &TableInfo::default(), Vec::new());
        assert_eq!(p.len(), 2);
        assert!(matches!(p[0], Ddl::CreateTable { .. }));
        assert!(matches!(p[1], Ddl::CreateIndex { .. }));
    }

    #[test]
    fn only_missing_columns_and_indexes_are_planned() {
        let t = TableRef::new("users");
        let mut info = TableInfo {
            exists: true,
            columns: vec![column("ID")].into(),
            indexes: Default::default(),
            foreign_keys: Default::default(),
        };
        let p = plan(&schema(), &t, &info, Vec::new());
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(matches!(&p[0], Ddl::AddColumn { field, .. } if field.column.as_str() == "name"));
        info.columns.push(column("name"));
        info.indexes.push(IndexInfo {
            name: "IDX_USERS_NAME".into(),
            unique: false,
            primary: false,
            columns: vec!["name".into()].into(),
        });
        assert!(plan(&schema(), &t, &info, Vec::new()).is_empty());
    }
}
