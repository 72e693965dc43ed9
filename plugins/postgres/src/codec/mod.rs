//! Wire formats PostgreSQL uses in binary mode that sqlx leaves to the caller.

pub(crate) mod numeric;
pub(crate) mod time;
