//! Tables on pools: the targets a callback names in [`crate::setting::FAN_OUT`] and
//! [`crate::setting::MIGRATE_TARGETS`] (plugin API 0.2.4), written `POOL/TABLE` and
//! separated by commas.

use crate::{host::PoolId, statement::TableRef};

/// A table on one of the host's pools.
///
/// ```
/// use plugorm_plugin_api::{statement::TableRef, target::{format_targets, parse_targets, TableTarget}};
/// let targets = vec![
///     TableTarget { pool: 3, table: TableRef::new("orders_0") },
///     TableTarget { pool: 4, table: TableRef::parse("app.orders_1") },
/// ];
/// let text = format_targets(&targets);
/// assert_eq!(text, "3/orders_0,4/app.orders_1");
/// assert_eq!(parse_targets(&text).unwrap(), targets);
/// assert!(parse_targets("orders_0").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableTarget {
    pub pool: PoolId,
    pub table: TableRef,
}

/// The setting's text for `targets`.
pub fn format_targets(targets: &[TableTarget]) -> String {
    let parts: Vec<String> = targets
        .iter()
        .map(|t| match t.table.schema.as_ref() {
            Some(schema) => format!("{}/{schema}.{}", t.pool, t.table.name),
            None => format!("{}/{}", t.pool, t.table.name),
        })
        .collect();
    parts.join(",")
}

/// The targets a setting names; the error says which part is not `POOL/TABLE`.
pub fn parse_targets(text: &str) -> Result<Vec<TableTarget>, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let parsed = part.split_once('/').and_then(|(pool, table)| {
                let pool = pool.trim().parse().ok()?;
                let table = table.trim();
                (!table.is_empty()).then(|| TableTarget {
                    pool,
                    table: TableRef::parse(table),
                })
            });
            parsed.ok_or_else(|| format!("`{part}` is not `POOL/TABLE` (a pool id and a table)"))
        })
        .collect()
}
