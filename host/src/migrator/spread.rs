//! AutoMigrate of a table a plugin spreads over several tables and pools (the sharding
//! plugin's shards): the Raw chain's callbacks answer where the table lives
//! ([`setting::MIGRATE_TABLE`]), and the model's table is created under each name on each
//! pool instead. Its join tables migrate as usual; FOREIGN KEY constraints on or to a
//! spread table are not created (a shard cannot reference rows on another server).
//!
//! [`setting::MIGRATE_TABLE`]: plugorm_plugin_api::setting::MIGRATE_TABLE

use plugorm_plugin_api::{schema::ModelSchema, target::TableTarget};

use super::{constraints::ModelTables, MigrationReport, Migrator};
use crate::Result;

/// One shard of a spread table: its pool and its schema under the shard's name.
pub(super) struct Shard {
    pool: plugorm_plugin_api::host::PoolId,
    schema: ModelSchema,
}

/// The models as they migrate: the tables migrated in place, and the shards of the
/// spread ones.
pub(super) struct Spread {
    pub plain: Vec<ModelTables>,
    pub shards: Vec<Shard>,
}

impl Migrator {
    /// Splits `models` into tables migrated here and shards migrated on their pools.
    pub(super) fn spread(&self, models: Vec<ModelTables>) -> Result<Spread> {
        let mut out = Spread {
            plain: Vec::new(),
            shards: Vec::new(),
        };
        for mut m in models {
            let Some(own) = m.tables.first() else {
                continue;
            };
            let Some(targets) = self.db.migrate_targets(&own.table)? else {
                out.plain.push(m);
                continue;
            };
            let own = m.tables.remove(0);
            let name = own.table.to_ascii_lowercase();
            m.constraints.retain(|c| {
                c.table.to_ascii_lowercase() != name
                    && c.key.referenced_table.name.to_ascii_lowercase() != name
            });
            out.shards
                .extend(targets.iter().map(|t| shard_schema(&own, t)));
            if !m.tables.is_empty() {
                out.plain.push(m);
            }
        }
        Ok(out)
    }

    /// Migrates each shard on its pool; one report per shard table.
    pub(super) async fn migrate_shards(&self, shards: Vec<Shard>) -> Result<Vec<MigrationReport>> {
        let mut reports = Vec::new();
        for shard in shards {
            let what = format!("shard table `{}`", shard.schema.table);
            let db = self.db.on_pool(shard.pool, &what)?;
            let models = vec![ModelTables {
                tables: vec![shard.schema],
                constraints: Vec::new(),
            }];
            reports.extend(Box::pin(self.on(db).migrate_plain(models)).await?);
        }
        Ok(reports)
    }
}

/// The model's schema under a shard's table name; its index names follow (PostgreSQL
/// names indexes per schema, so two shards in one database cannot share them).
fn shard_schema(own: &ModelSchema, target: &TableTarget) -> Shard {
    let base = own.table.as_str();
    let shard = target.table.name.as_str();
    let mut schema = own.clone();
    schema.table = match target.table.schema.as_ref() {
        Some(s) => format!("{s}.{shard}").into(),
        None => shard.into(),
    };
    for index in schema.indexes.iter_mut() {
        let name = index.name.as_str();
        index.name = if name.contains(base) {
            name.replacen(base, shard, 1).into()
        } else {
            format!("{name}_{shard}").into()
        };
    }
    Shard {
        pool: target.pool,
        schema,
    }
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        schema::{DataType, FieldSchema, IndexSchema},
        statement::TableRef,
    };

    use super::*;

    #[test]
    fn a_shard_takes_its_table_name_and_renames_its_indexes() {
        let index = |name: &str| IndexSchema {
            name: name.into(),
            unique: false,
            columns: Default::default(),
            kind: "".into(),
            condition: "".into(),
            comment: "".into(),
        };
        let own = ModelSchema {
            name: "Order".into(),
            table: "orders".into(),
            fields: vec![FieldSchema::new("id", "id", DataType::Int)].into(),
            indexes: vec![index("idx_orders_user_id"), index("by_user")].into(),
        };
        let shard = shard_schema(
            &own,
            &TableTarget {
                pool: 4,
                table: TableRef::new("orders_02"),
            },
        );
        assert_eq!(shard.pool, 4);
        assert_eq!(shard.schema.table.as_str(), "orders_02");
        let names: Vec<&str> = shard
            .schema
            .indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names, ["idx_orders_02_user_id", "by_user_orders_02"]);
    }
}
