//! MariaDB / MySQL databases for the tests (being written).
