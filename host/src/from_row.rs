//! [`FromRow`]: the types a query's rows can be read into besides its own model — any
//! model (columns matched by name, GORM's `Scan` into a struct), a map per row, or a
//! tuple (columns by position).

use std::collections::BTreeMap;

use plugorm_plugin_api::{row::Decode, DbError, Rows, Value};

use crate::{decode, Model, Result};

/// A type each row of a result decodes into, for [`Query::scan`](crate::Query::scan):
///
/// - any [`Model`]: each field reads the column of its name; a column the result lacks
///   leaves the field at its default, a column no field names is skipped (derive
///   `Model` on a plain struct to scan into it; it needs no table);
/// - `BTreeMap<String, Value>`: every column by name;
/// - a tuple of up to eight [`Decode`] values: the columns by position; the result
///   must have exactly as many columns as the tuple.
///
/// ```no_run
/// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// #[derive(plugorm::Model, Default)]
/// struct NameAge {
///     name: String,
///     age: i64,
/// }
/// let people: Vec<NameAge> = db.table("users").select(&["name", "age"]).scan().await?;
/// let pairs: Vec<(String, i64)> = db.table("users").select(&["name", "age"]).scan().await?;
/// # Ok(()) }
/// ```
pub trait FromRow: Sized + Send + 'static {
    /// Decodes every row of `rows`.
    fn from_rows(rows: &Rows) -> Result<Vec<Self>>;
}

impl<M: Model> FromRow for M {
    fn from_rows(rows: &Rows) -> Result<Vec<Self>> {
        decode::decode_all::<M>(rows)
    }
}

impl FromRow for BTreeMap<String, Value> {
    fn from_rows(rows: &Rows) -> Result<Vec<Self>> {
        let names: Vec<&str> = rows.column_names().collect();
        rows.iter()
            .map(|r| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| Ok((n.to_string(), r.get_at::<Value>(i)?)))
                    .collect()
            })
            .collect()
    }
}

/// Refuses a result whose width is not the tuple's: reading fewer columns than were
/// selected would hide a mistake, reading more is impossible.
fn check_width(rows: &Rows, arity: usize) -> Result<()> {
    let width = rows.column_names().count();
    if width == arity {
        return Ok(());
    }
    Err(DbError::Decode {
        detail: format!(
            "the result has {width} column(s) ({}) but the tuple reads {arity}: select \
             exactly the columns the tuple holds, in its order",
            rows.column_names().collect::<Vec<_>>().join(", ")
        ),
    }
    .into())
}

macro_rules! tuple_from_row {
    ($arity:literal: $($name:ident $idx:tt),+) => {
        impl<$($name: Decode + Send + 'static),+> FromRow for ($($name,)+) {
            fn from_rows(rows: &Rows) -> Result<Vec<Self>> {
                check_width(rows, $arity)?;
                rows.iter()
                    .map(|r| Ok(($(r.get_at::<$name>($idx)?,)+)))
                    .collect()
            }
        }
    };
}

tuple_from_row!(1: A 0);
tuple_from_row!(2: A 0, B 1);
tuple_from_row!(3: A 0, B 1, C 2);
tuple_from_row!(4: A 0, B 1, C 2, D 3);
tuple_from_row!(5: A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(6: A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
