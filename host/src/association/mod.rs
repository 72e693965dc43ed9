//! Associations of records being written, and association mode.
//!
//! * Saving: creating a record — and saving or updating one (`save`, `updates`) — saves
//!   its associations in the same transaction —
//!   belongs-to records first (their keys are copied into the owner's foreign key), then
//!   the record, then has-one / has-many records (their foreign key set to the owner's
//!   key) and many-to-many records with their join rows. Records whose primary key is
//!   zero are inserted; others are upserted (`ON CONFLICT DO NOTHING`, or updating the
//!   foreign key of has-* records; every column with
//!   [`crate::Db::full_save_associations`]). [`crate::Db::omit_associations`] and
//!   [`crate::Db::select_associations`] choose which are saved.
//! * Deleting with selected associations
//!   (`db.select_associations(&["Pets"]).delete(&mut user)`) deletes the owner's has-one /
//!   has-many records and many-to-many join rows first.
//! * Association mode ([`Association`]): find, count, append, replace, delete (unlink)
//!   and clear one owner's related records.
//!
//! Every statement on a related table or join table runs through the processors with
//! that table's schema, so plugins (soft delete above all) see it.

pub(crate) mod delete;
pub(crate) mod mode;
pub(crate) mod save;
mod typed;

pub use crate::session::SaveFilter;
pub use mode::Association;
