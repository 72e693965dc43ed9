//! The checks, each an `async fn(Ctx) -> Result<(), Failure>` on a database of its own,
//! grouped by [`Capability`].

mod associations;
mod cancellation;
mod conditions;
mod crud;
mod errors;
mod migrations;
mod streaming;
mod transactions;
mod values;

use futures_util::future::BoxFuture;
use plugorm::{plugin_api::dialect::Capabilities, Db, Registry};

use crate::Capability;

/// What a check gets: its database, and the registry and URL to open more pools on it.
pub(crate) struct Ctx {
    pub db: Db,
    pub registry: Registry,
    pub url: String,
}

/// Why a check failed.
#[derive(Debug)]
pub(crate) struct Failure(pub String);

impl From<plugorm::Error> for Failure {
    fn from(e: plugorm::Error) -> Failure {
        Failure(format!("unexpected error: {e}"))
    }
}

/// Names the step an error came from.
pub(crate) trait Step<T> {
    fn step(self, what: &str) -> Result<T, Failure>;
}

impl<T, E: std::fmt::Display> Step<T> for Result<T, E> {
    fn step(self, what: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure(format!("{what}: {e}")))
    }
}

/// Fails the check with a message unless the condition holds.
macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err($crate::checks::Failure(format!($($arg)+)));
        }
    };
}

/// Fails the check unless `actual == expected`, showing both.
macro_rules! ensure_eq {
    ($actual:expr, $expected:expr, $($arg:tt)+) => {{
        let (actual, expected) = (&$actual, &$expected);
        if actual != expected {
            return Err($crate::checks::Failure(format!(
                "{}: expected {:?}, got {:?}",
                format!($($arg)+),
                expected,
                actual
            )));
        }
    }};
}

pub(crate) use {ensure, ensure_eq};

/// The result of a check.
pub(crate) type Outcome = Result<(), Failure>;

/// One check.
pub(crate) struct Check {
    pub capability: Capability,
    pub name: &'static str,
    pub run: fn(Ctx) -> BoxFuture<'static, Outcome>,
}

macro_rules! check {
    ($cap:ident, $module:ident :: $name:ident) => {
        Check {
            capability: Capability::$cap,
            name: stringify!($name),
            run: |ctx| Box::pin($module::$name(ctx)),
        }
    };
}

/// Every check, in report order.
pub(crate) fn all() -> Vec<Check> {
    vec![
        check!(Crud, crud::create_and_read_back),
        check!(Crud, crud::updates_write_back),
        check!(Crud, crud::deletes),
        check!(Crud, crud::save_inserts_then_updates),
        check!(Conditions, conditions::grouped_and_negated_conditions),
        check!(Conditions, conditions::lists_structs_maps_and_nulls),
        check!(Conditions, conditions::order_limit_offset),
        check!(Conditions, conditions::count_distinct_and_group),
        check!(Associations, associations::create_then_preload_everything),
        check!(Associations, associations::preload_with_conditions),
        check!(Associations, associations::association_mode),
        check!(Transactions, transactions::closure_commits_and_rolls_back),
        check!(Transactions, transactions::manual_commit_and_rollback),
        check!(Transactions, transactions::a_failing_batch_leaves_no_rows),
        check!(Transactions, transactions::misuse_is_typed),
        check!(Savepoints, transactions::nested_transactions_are_savepoints),
        check!(Savepoints, transactions::explicit_savepoints),
        check!(Cancellation, cancellation::dropped_transaction_rolls_back),
        check!(
            Cancellation,
            cancellation::transactions_cancelled_midway_are_atomic
        ),
        check!(
            Cancellation,
            cancellation::cancelled_statements_leave_the_pool_healthy
        ),
        check!(Streaming, streaming::model_stream),
        check!(Streaming, streaming::raw_stream_in_batches),
        check!(Streaming, streaming::find_in_batches_pages_by_key),
        check!(Migrations, migrations::auto_migrate_twice_issues_no_ddl),
        check!(Migrations, migrations::describe_table),
        check!(Migrations, migrations::added_fields_become_columns),
        check!(Migrations, migrations::foreign_keys_in_dependency_order),
        check!(Migrations, migrations::table_operations),
        check!(Errors, errors::unique_violation),
        check!(Errors, errors::not_null_violation),
        check!(Errors, errors::foreign_key_violation),
        check!(Errors, errors::refused_writes_leave_nothing),
        check!(Values, values::every_value_type_round_trips),
        check!(Values, values::nulls_round_trip),
        check!(Values, values::typed_values_bind_as_parameters),
        check!(Values, values::raw_cells_decode_to_their_types),
    ]
}

/// Why a capability is skipped on this dialect, if it is.
pub(crate) fn skip_reason(capability: Capability, caps: &Capabilities) -> Option<String> {
    match capability {
        Capability::Savepoints if !caps.savepoints => {
            Some("the dialect's Capabilities has savepoints = false".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_behaviour_capability_has_checks_with_unique_names() {
        let checks = all();
        for cap in Capability::ALL {
            let n = checks.iter().filter(|c| c.capability == cap).count();
            if cap == Capability::GoldenSql {
                assert_eq!(n, 0, "golden statements are declared by the dialect");
            } else {
                assert!(n >= 2, "{cap} has {n} checks");
            }
        }
        let mut names: Vec<&str> = checks.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), checks.len(), "check names are unique");
    }

    #[test]
    fn only_missing_savepoints_skip() {
        let caps = Capabilities::default();
        assert!(Capability::ALL
            .iter()
            .all(|c| skip_reason(*c, &caps).is_none()));
        let mut none = caps;
        none.savepoints = false;
        assert!(skip_reason(Capability::Savepoints, &none).is_some());
        assert!(skip_reason(Capability::Transactions, &none).is_none());
    }
}
