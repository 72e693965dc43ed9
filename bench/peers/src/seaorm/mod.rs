//! SeaORM: entities and the workloads through its entity API, on a one-connection sqlx
//! pool built like the baseline's (handed over with `SqlxXConnector::from_sqlx_x_pool`).

pub mod entities;
mod peer;

pub use peer::{open, SeaOrmPeer};
