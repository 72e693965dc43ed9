//! The resolvers: the global one (the top-level `sources` / `replicas`), those bound to
//! tables, and those chosen by name; each a set of source and replica pools the host
//! opened, with a policy to pick among them.

use std::{collections::HashMap, sync::Arc};

use plugorm_plugin_api::{
    host::{Host, PoolId},
    DbError, DbResult, Pool, PoolOptions,
};

use crate::{
    config::{Config, ResolverConfig},
    health::Health,
    policy::{Picker, Policy},
};

/// One pool a resolver may send statements to.
pub(crate) struct Target {
    pub id: PoolId,
    /// Its URL without the password.
    pub label: String,
    pub dialect: String,
    pub pool: Arc<dyn Pool>,
    pub health: Health,
}

impl Target {
    fn busy(&self) -> u32 {
        let s = self.pool.stats();
        s.connections.saturating_sub(s.idle)
    }
}

/// Which side of a resolver serves a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Source,
    Replica,
}

impl Side {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Replica => "replica",
        }
    }
}

/// Where a resolver sends a statement: the pools in order of preference (the host tries
/// the next only while a read cannot reach the one before), and the side chosen.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Choice {
    pub pools: Vec<PoolId>,
    pub side: Side,
    /// The first pool's label, for the trace.
    pub label: String,
}

/// One resolver.
pub(crate) struct Resolver {
    pub name: String,
    sources: Vec<Arc<Target>>,
    /// Empty: reads go to the sources (GORM: replicas default to the sources).
    replicas: Vec<Arc<Target>>,
    picker: Picker,
}

/// Opens a target's pool through the host.
fn open(host: &Host, url: &str, options: PoolOptions, key: &str) -> DbResult<Arc<Target>> {
    let opened = host.open_pool(url, options).map_err(|e| DbError::Config {
        key: Some(key.into()),
        message: format!(
            "cannot open `{}`: {e}",
            plugorm_plugin_api::host::redact(url)
        ),
    })?;
    Ok(Arc::new(Target {
        id: opened.id,
        label: opened.label,
        dialect: opened.dialect,
        pool: opened.pool,
        health: Health::default(),
    }))
}

impl Resolver {
    fn open(
        host: &Host,
        name: String,
        sources: &[String],
        replicas: &[String],
        policy: Policy,
        options: PoolOptions,
    ) -> DbResult<Resolver> {
        let open_all = |urls: &[String], key: &str| {
            urls.iter()
                .map(|u| open(host, u, options, key))
                .collect::<DbResult<Vec<_>>>()
        };
        Ok(Resolver {
            name,
            sources: open_all(sources, "sources")?,
            replicas: open_all(replicas, "replicas")?,
            picker: Picker::new(policy),
        })
    }

    /// True when it names no pool (an unconfigured global resolver).
    fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.replicas.is_empty()
    }

    /// Where a statement of `side` goes; `None` to leave it on the database's own pool.
    /// `own` is that pool's id (the last fallback of a read when there are no sources).
    pub(crate) fn choose(
        &self,
        side: Side,
        fallback: bool,
        own: Option<PoolId>,
    ) -> DbResult<Option<Choice>> {
        let (candidates, side) = match side {
            Side::Source => (&self.sources, Side::Source),
            Side::Replica if self.replicas.is_empty() => (&self.sources, Side::Source),
            Side::Replica => (&self.replicas, Side::Replica),
        };
        if candidates.is_empty() {
            return Ok(None);
        }
        if side == Side::Source {
            let i = self.picker.pick(candidates.len(), |i| candidates[i].busy());
            let t = &candidates[i];
            return Ok(Some(Choice {
                pools: vec![t.id],
                side,
                label: t.label.clone(),
            }));
        }
        let healthy: Vec<&Arc<Target>> = candidates.iter().filter(|t| t.health.usable()).collect();
        let mut fallbacks: Vec<PoolId> = self.sources.iter().map(|t| t.id).collect();
        if fallbacks.is_empty() {
            fallbacks.extend(own);
        }
        if healthy.is_empty() {
            if !fallback {
                return Err(DbError::Connect {
                    message: format!(
                        "dbresolver: no replica of resolver `{}` is healthy, and \
                         `fallback_to_sources` is off",
                        self.name
                    ),
                });
            }
            tracing::warn!(resolver = %self.name, "dbresolver: no healthy replica; reading from a source");
            let label = self
                .sources
                .first()
                .map_or_else(|| "the database's own pool".into(), |t| t.label.clone());
            if fallbacks.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Choice {
                pools: fallbacks,
                side: Side::Source,
                label,
            }));
        }
        let i = self.picker.pick(healthy.len(), |i| healthy[i].busy());
        let first = healthy[i];
        let mut pools = vec![first.id];
        pools.extend(healthy.iter().filter(|t| t.id != first.id).map(|t| t.id));
        if fallback {
            pools.extend(fallbacks);
        }
        Ok(Some(Choice {
            pools,
            side: Side::Replica,
            label: first.label.clone(),
        }))
    }
}

/// Every resolver of the plugin.
pub(crate) struct Resolvers {
    global: Resolver,
    by_name: HashMap<String, usize>,
    by_table: HashMap<String, usize>,
    others: Vec<Resolver>,
}

impl Resolvers {
    /// Opens every pool the configuration names (lazily connecting: a server that is
    /// down is found by the health checks, not here).
    pub(crate) fn open(host: &Host, config: &Config) -> DbResult<Resolvers> {
        let global = Resolver::open(
            host,
            "global".into(),
            &config.sources,
            &config.replicas,
            config.policy,
            config.pool.options(),
        )?;
        let mut resolvers = Resolvers {
            global,
            by_name: HashMap::new(),
            by_table: HashMap::new(),
            others: Vec::new(),
        };
        for (i, r) in config.resolvers.iter().enumerate() {
            resolvers.add(host, config, r, i)?;
        }
        Ok(resolvers)
    }

    fn add(&mut self, host: &Host, config: &Config, r: &ResolverConfig, i: usize) -> DbResult<()> {
        let options = r.pool.unwrap_or(config.pool).options();
        let policy = r.policy.unwrap_or(config.policy);
        let resolver = Resolver::open(host, r.label(i), &r.sources, &r.replicas, policy, options)?;
        let at = self.others.len();
        self.others.push(resolver);
        if let Some(n) = &r.name {
            self.by_name.insert(n.clone(), at);
        }
        for t in &r.tables {
            self.by_table.insert(t.clone(), at);
        }
        Ok(())
    }

    /// The resolver a `dbresolver:use` value names: by name, else by table.
    pub(crate) fn named(&self, name: &str) -> DbResult<&Resolver> {
        self.by_name
            .get(name)
            .or_else(|| self.by_table.get(name))
            .map(|&i| &self.others[i])
            .ok_or_else(|| {
                let mut known: Vec<&str> = self
                    .by_name
                    .keys()
                    .chain(self.by_table.keys())
                    .map(String::as_str)
                    .collect();
                known.sort_unstable();
                DbError::Other(format!(
                    "dbresolver: no resolver is named `{name}` (`dbresolver:use`); known: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })
    }

    /// The resolver of a table, else the global one; `None` when that names no pool.
    pub(crate) fn for_table(&self, table: Option<&str>) -> Option<&Resolver> {
        table
            .and_then(|t| self.by_table.get(t))
            .map(|&i| &self.others[i])
            .or(Some(&self.global))
            .filter(|r| !r.is_empty())
    }

    /// Every replica of every resolver, once each (what the health checker pings).
    pub(crate) fn replicas(&self) -> Vec<Arc<Target>> {
        let mut seen = std::collections::BTreeSet::new();
        std::iter::once(&self.global)
            .chain(&self.others)
            .flat_map(|r| r.replicas.iter())
            .filter(|t| seen.insert(t.id))
            .cloned()
            .collect()
    }
}
