//! # plugorm-dialect-tests
//!
//! A conformance kit for plugorm dialect plugins. Add it as a dev-dependency of a dialect
//! crate, point it at the plugin and at a database URL, and one test runs the behaviour
//! suite the host relies on — CRUD, conditions, associations and preload, transactions
//! and savepoints, cancellation, streaming, migrations, typed errors, every [`Value`]
//! type, and golden SQL — reporting per [`Capability`] what passed, failed or was skipped.
//!
//! ```no_run
//! use plugorm_dialect_tests::{Plugin, Suite};
//!
//! # async fn t(descriptor: &'static plugorm::plugin_api::manifest::PluginDescriptor) {
//! // In the dialect crate's tests/conformance.rs, inside a #[tokio::test]:
//! Suite::new(Plugin::Static(descriptor), "sqlite::memory:")
//!     .golden(plugorm_dialect_tests::golden::SQLITE)
//!     .run()
//!     .await
//!     .assert_passed();
//! # }
//! ```
//!
//! ## Isolation
//!
//! Every check runs on a database of its own. Without a hook each check opens the URL
//! anew, which suits URLs that give a fresh, empty database on every open
//! (`sqlite::memory:`). For a server give [`Suite::fresh_database`] a hook that creates
//! a schema or database (its name is unique per check and run) and returns its URL with
//! the statements that drop it afterwards — see [`FreshDatabase`].
//!
//! [`Value`]: plugorm::Value

mod capability;
mod checks;
pub mod golden;
mod plugin;
mod report;
mod suite;
pub mod url;

pub use capability::Capability;
pub use plugin::Plugin;
pub use report::{CheckResult, Outcome, Report};
pub use suite::{FreshDatabase, Suite, SuiteError};
