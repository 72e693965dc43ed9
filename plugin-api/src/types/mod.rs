//! Plugin-api's own string, vector, option and box: [`Text`], [`List`], [`Optional`],
//! [`Boxed`].
//!
//! They read like `String`, `Vec` and `Option` (they deref to `str` and slices, convert
//! from and into the std types without copying, and `Optional` matches as `Some` / `None`),
//! and they have a fixed layout, so the statement tree and the other exchanged structures
//! cross the plugin boundary by reference, without conversion. Only [`crate::ffi`] knows
//! what they are laid out as.

mod boxed;
mod list;
mod optional;
mod text;

pub use boxed::Boxed;
pub use list::List;
pub use optional::Optional;
pub use text::Text;
