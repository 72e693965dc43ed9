//! One group of sharded tables, compiled from its configuration: where each shard is
//! (table suffix, pool) and how a key value or an id picks one.

use std::sync::Arc;

use plugorm_plugin_api::{
    host::{Host, PoolId},
    statement::TableRef,
    target::TableTarget,
    DbError, Value,
};

use crate::{
    algorithm::Algorithm,
    config::{bad, Group as GroupConfig},
    snowflake::{self, Snowflake},
    suffix::Suffix,
};

/// A compiled group.
pub(crate) struct Group {
    pub tables: Vec<String>,
    pub key: String,
    pub shards: u32,
    pub id_column: String,
    pub fan_out: bool,
    algorithm: Algorithm,
    suffix: Suffix,
    /// One generator per shard (snowflake ids), or none.
    ids: Option<Vec<Snowflake>>,
    /// The pool of each shard; empty: the database's own.
    pools: Vec<PoolId>,
}

/// Where one shard is.
pub(crate) struct Shard {
    pub index: u32,
    pub table: String,
    /// `None`: the database's own pool.
    pub pool: Option<PoolId>,
}

impl Group {
    pub(crate) fn compile(host: &Host, c: GroupConfig) -> Result<Group, DbError> {
        if c.tables.is_empty() {
            return Err(bad("tables", "a group names no table".into()));
        }
        if c.key.trim().is_empty() {
            return Err(bad("key", "the sharding key column is empty".into()));
        }
        if c.shards == 0 {
            return Err(bad("shards", "a group needs at least one shard".into()));
        }
        let ids = match c.id.as_deref() {
            None | Some("snowflake") => {
                if c.shards > snowflake::MAX_NODES {
                    return Err(bad(
                        "shards",
                        format!(
                            "snowflake ids hold {} nodes, one per shard: {} shards are too many \
                             (use `id = \"none\"`)",
                            snowflake::MAX_NODES,
                            c.shards
                        ),
                    ));
                }
                Some((0..c.shards).map(Snowflake::new).collect())
            }
            Some("none") => None,
            Some(other) => {
                return Err(bad(
                    "id",
                    format!("`{other}` is no id generator: `snowflake` or `none`"),
                ))
            }
        };
        if c.databases.len() > c.shards as usize {
            return Err(bad(
                "databases",
                format!(
                    "{} databases for {} shards: each database needs a shard",
                    c.databases.len(),
                    c.shards
                ),
            ));
        }
        let pools = c
            .databases
            .iter()
            .map(|url| {
                host.open_pool(url, Default::default())
                    .map(|p| p.id)
                    .map_err(|e| bad("databases", format!("cannot open `{url}`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Group {
            tables: c.tables.iter().map(|t| t.to_ascii_lowercase()).collect(),
            suffix: match &c.suffix {
                Some(f) => Suffix::parse(f)?,
                None => Suffix::default_for(c.shards),
            },
            algorithm: Algorithm::named(c.algorithm.as_deref())?,
            key: c.key,
            shards: c.shards,
            id_column: c.id_column,
            fan_out: c.fan_out,
            ids,
            pools,
        })
    }

    /// Shard `index` of `table`.
    pub(crate) fn shard(&self, table: &str, index: u32) -> Shard {
        let pool = (!self.pools.is_empty()).then(|| {
            let at = index as usize * self.pools.len() / self.shards as usize;
            self.pools[at.min(self.pools.len() - 1)]
        });
        Shard {
            index,
            table: format!("{table}{}", self.suffix.of(index)),
            pool,
        }
    }

    /// The shard of a key value.
    pub(crate) fn shard_of_key(&self, table: &str, value: &Value) -> Result<Shard, String> {
        if value.is_null() {
            return Err(format!("`{}` is NULL", self.key));
        }
        let index = self.algorithm.shard(value, self.shards)?;
        Ok(self.shard(table, index))
    }

    /// The shard of a snowflake id (only with snowflake ids).
    pub(crate) fn shard_of_id(&self, table: &str, id: &Value) -> Option<Shard> {
        self.ids.as_ref()?;
        let Value::I64(id) = id else {
            return None;
        };
        let node = snowflake::node_of(*id);
        (node < self.shards).then(|| self.shard(table, node))
    }

    /// True when the shards are in databases of their own (`databases` given).
    pub(crate) fn spans_databases(&self) -> bool {
        !self.pools.is_empty()
    }

    /// True when the group generates snowflake ids.
    pub(crate) fn generates_ids(&self) -> bool {
        self.ids.is_some()
    }

    /// A fresh id for shard `index`, when the group generates ids.
    pub(crate) fn next_id(&self, index: u32) -> Option<i64> {
        Some(self.ids.as_ref()?.get(index as usize)?.next_id())
    }

    /// Every shard of `table`, as targets (`own`: the database's own pool).
    pub(crate) fn targets(&self, table: &TableRef, own: PoolId) -> Vec<TableTarget> {
        (0..self.shards)
            .map(|i| {
                let shard = self.shard(table.name.as_str(), i);
                TableTarget {
                    pool: shard.pool.unwrap_or(own),
                    table: TableRef {
                        name: shard.table.into(),
                        ..table.clone()
                    },
                }
            })
            .collect()
    }
}

/// Every group, found by table.
pub(crate) struct Groups(pub Vec<Arc<Group>>);

impl Groups {
    pub(crate) fn for_table(&self, table: &str) -> Option<&Arc<Group>> {
        let table = table.to_ascii_lowercase();
        self.0.iter().find(|g| g.tables.contains(&table))
    }
}
