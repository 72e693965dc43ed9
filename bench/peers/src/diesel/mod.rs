//! Diesel: the schema (`table!`), its models, and the workloads on one native,
//! synchronous connection per database.

mod models;
mod peer;
mod schema;

pub use peer::{open, DieselPeer};
