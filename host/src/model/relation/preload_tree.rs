//! The requested preloads as a tree: `"Pets.Toys"` and `"Pets"` share the `Pets` node.

use std::{any::Any, sync::Arc};

use plugorm_plugin_api::statement::{Expr, JoinKind};

use super::RelationError;

/// One `preload(…)` call: a dotted path and an optional condition for its last relation.
#[derive(Clone)]
pub(crate) struct PreloadRequest {
    pub path: String,
    /// A `Scope<C>` for the last relation's model `C`.
    pub scope: Option<Arc<dyn Any + Send + Sync>>,
    /// Loaded in the same query through a JOIN of this kind (joins preloading).
    pub join: Option<JoinKind>,
    /// A SQL condition for the last relation's query (`preload_filter`).
    pub filter: Option<Expr>,
}

/// One relation to load, with what to load below it.
#[derive(Clone, Default)]
pub(crate) struct PreloadNode {
    pub name: String,
    /// Every relation of the model (`preload_all`).
    pub all: bool,
    pub scope: Option<Arc<dyn Any + Send + Sync>>,
    /// The JOIN of this level (joins preloading).
    pub join: Option<JoinKind>,
    /// A SQL condition for this level's query.
    pub filter: Option<Expr>,
    pub children: Vec<PreloadNode>,
}

impl PreloadNode {
    pub(crate) fn named(name: &str) -> PreloadNode {
        PreloadNode {
            name: name.to_string(),
            ..PreloadNode::default()
        }
    }

    /// The tree of a query's requests, in request order.
    pub(crate) fn tree(requests: &[PreloadRequest]) -> Result<Vec<PreloadNode>, RelationError> {
        let mut roots: Vec<PreloadNode> = Vec::new();
        for r in requests {
            let parts: Vec<&str> = r.path.split('.').map(str::trim).collect();
            let mut level = &mut roots;
            for (n, part) in parts.iter().enumerate() {
                let all = *part == "*" || part.eq_ignore_ascii_case("associations");
                let pos = match level.iter().position(|p| p.name == *part) {
                    Some(p) => p,
                    None => {
                        level.push(PreloadNode {
                            name: part.to_string(),
                            all,
                            ..PreloadNode::default()
                        });
                        level.len() - 1
                    }
                };
                let node = &mut level[pos];
                if n + 1 == parts.len() && r.scope.is_some() {
                    node.scope = r.scope.clone();
                }
                if n + 1 == parts.len() && r.filter.is_some() {
                    node.filter = r.filter.clone();
                }
                // An inner join anywhere on the path makes its levels inner.
                if r.join == Some(JoinKind::Inner) || node.join.is_none() {
                    node.join = r.join.or(node.join);
                }
                level = &mut node.children;
            }
        }
        Ok(roots)
    }
}
