//! # plugorm-soft-delete
//!
//! Soft delete as a feature plugin. For a model with a soft-delete field (`#[orm(soft_delete)]`):
//!
//! - queries, counts and updates get `table.field IS NULL` (timestamp mode) or
//!   `table.field = 0` (Unix-time and flag modes) unless unscoped;
//! - a delete becomes `UPDATE table SET field = <now or 1> WHERE … AND <alive>`; in mixed
//!   mode (a flag plus `soft_delete_at`) the deletion time is written to the second column;
//! - `unscoped()` sees deleted rows and deletes for real.
//!
//! Its callbacks: `soft_delete:query`, `soft_delete:update` and `soft_delete:delete`
//! (the name the host requires before it lets a soft-delete model be used).
//!
//! ```
//! let m = (plugorm_soft_delete::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "soft-delete");
//! ```

mod modes;

use std::sync::Arc;

use plugorm_plugin_api::{
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    statement::{Assignment, FromItem, Statement, Update},
    steps, Callback, CallbackContext, CallbackSpec, DbError, DbResult, FeaturePlugin, Placement,
    Processor, SOFT_DELETE_CALLBACK,
};

/// Adds the "not deleted" condition to SELECTs and UPDATEs.
struct HideDeleted;

impl Callback for HideDeleted {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if ctx.unscoped() {
            return Ok(());
        }
        let Some(schema) = ctx.schema.into_option() else {
            return Ok(());
        };
        let Some(field) = schema.soft_delete_field() else {
            return Ok(());
        };
        match &mut ctx.statement {
            // Rows read from a sub-query were filtered where the sub-query read its
            // table (its own callbacks ran); its select list need not carry the
            // soft-delete column, so the outer query adds nothing (GORM adds
            // `alias.deleted_at IS NULL`, which the database rejects then).
            Statement::Select(s) if matches!(s.from, FromItem::Subquery { .. }) => {}
            Statement::Select(s) => {
                let table = modes::qualifier(&s.from, schema);
                s.conditions.push(modes::alive(&table, field));
            }
            Statement::Update(u) => {
                let table = u.table.reference_name().to_string();
                u.conditions.push(modes::alive(&table, field));
            }
            _ => {}
        }
        Ok(())
    }
}

/// Turns a DELETE into the UPDATE that marks rows deleted.
struct MarkDeleted;

impl Callback for MarkDeleted {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if ctx.unscoped() {
            return Ok(());
        }
        let Some(schema) = ctx.schema.into_option() else {
            return Ok(());
        };
        let Some(field) = schema.soft_delete_field() else {
            return Ok(());
        };
        let Statement::Delete(d) = &ctx.statement else {
            return Ok(());
        };
        let now_micros = ctx.now_micros()?;
        let table = d.table.reference_name().to_string();
        let mut set = vec![Assignment {
            column: field.column.clone(),
            value: modes::deleted_value(field, now_micros),
        }];
        if let Some(at) = field.soft_delete_at.as_ref() {
            let at_field = schema.field_by_column(at).ok_or_else(|| DbError::Config {
                key: Some("soft_delete_at".into()),
                message: format!("model `{}` has no column `{at}`", schema.name),
            })?;
            set.push(Assignment {
                column: at_field.column.clone(),
                value: modes::time_value(at_field, now_micros),
            });
        }
        let mut conditions = d.conditions.clone();
        conditions.push(modes::alive(&table, field));
        let mut u = Update::new(d.table.clone());
        u.set = set.into();
        u.conditions = conditions;
        u.returning = d.returning.clone();
        ctx.statement = Statement::Update(u);
        Ok(())
    }
}

struct SoftDelete;

impl FeaturePlugin for SoftDelete {
    fn initialize(&self, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        let config: serde_json::Value =
            serde_json::from_str(config_json).map_err(|e| DbError::Config {
                key: None,
                message: e.to_string(),
            })?;
        if let Some(key) = config.as_object().and_then(|o| o.keys().next()) {
            return Err(DbError::Config {
                key: Some(key.clone()),
                message: "the soft-delete plugin takes no settings (modes are chosen per field with #[orm(soft_delete = …)])".into(),
            });
        }
        let hide: Arc<dyn Callback> = Arc::new(HideDeleted);
        Ok(vec![
            CallbackSpec {
                processor: Processor::Query,
                name: "soft_delete:query".into(),
                placement: Placement::Before(steps::QUERY.into()),
                callback: hide.clone(),
            },
            CallbackSpec {
                processor: Processor::Update,
                name: "soft_delete:update".into(),
                placement: Placement::Before(steps::UPDATE.into()),
                callback: hide,
            },
            CallbackSpec {
                processor: Processor::Delete,
                name: SOFT_DELETE_CALLBACK.into(),
                placement: Placement::Before(steps::DELETE.into()),
                callback: Arc::new(MarkDeleted),
            },
        ])
    }
}

fn manifest() -> Manifest {
    Manifest::new(
        "soft-delete",
        PluginKind::Feature,
        env!("CARGO_PKG_VERSION"),
        "soft delete: timestamp, Unix time, flag and mixed modes",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Feature(Arc::new(SoftDelete)))
}

/// The plugin's descriptor.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
