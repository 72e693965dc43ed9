//! `#[derive(Model)]` for plugorm (being written).
