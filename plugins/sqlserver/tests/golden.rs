//! The SQL Server dialect against the golden SQL of GORM's sqlserver driver: statements
//! built as the host builds them, rendered, and compared with the `sqlserver:` text of
//! the entry each test names (G01 …). Entries this dialect writes differently on purpose
//! (row locks, index options) assert its own text and say why.

#[path = "golden/common.rs"]
mod common;
#[path = "golden/ddl.rs"]
mod ddl;
#[path = "golden/read.rs"]
mod read;
#[path = "golden/upsert.rs"]
mod upsert;
#[path = "golden/write.rs"]
mod write;
