//! The serializers' tables, below everything that uses them: the process-wide table of
//! serializer implementations by name, the names each registry's plugins offered, and
//! the marks of which model fields a serializer encodes. `crate::serializer` is the
//! public face (registration, the derive's calls, the first-use check); this module
//! depends on nothing of the host, so the services, the models and the error type can
//! all name it.

mod marks;
pub(crate) mod registry;

pub(crate) use marks::marks_of;
pub use marks::{mark_schema, Mark};
pub(crate) use registry::Offered;
