//! Associations of records being written, and association mode.
//!
//! * Saving: creating a record saves its associations in the same transaction —
//!   belongs-to records first (their keys are copied into the owner's foreign key), then
//!   the record, then has-one / has-many records (their foreign key set to the owner's
//!   key) and many-to-many records with their join rows. Records whose primary key is
//!   zero are inserted; others are upserted (`ON CONFLICT DO NOTHING`, or updating the
//!   foreign key of has-* records). [`crate::Db::omit_associations`] and
//!   [`crate::Db::select_associations`] choose which are saved.
//! * Association mode ([`Association`]): find, count, append, replace, delete (unlink)
//!   and clear one owner's related records.

pub(crate) mod mode;
pub(crate) mod save;

pub use mode::Association;
pub use save::SaveFilter;
