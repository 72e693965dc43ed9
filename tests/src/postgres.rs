//! PostgreSQL databases for the tests (being written).
