//! The reference for the insert phase: raw sqlx's `QueryBuilder::push_values`, the same
//! rows in batches of one size, in one transaction, ids not read back.

use super::phases::{measured, Phase};
use crate::{
    data,
    peer_sqlx::{insert_users, on_pool, SqlxPool},
    Result,
};

/// Inserts `n` new users into `users` through raw sqlx, `size` rows per INSERT.
pub async fn insert(pool: &SqlxPool, n: usize, size: usize) -> Result<Phase> {
    let users: Vec<_> = (1..=n).map(|i| data::user(i, "scale")).collect();
    measured(format!("sqlx push_values({size})"), || async {
        let mut affected = 0;
        on_pool!(pool, |p| {
            let mut tx = p.begin().await?;
            for chunk in users.chunks(size.max(1)) {
                affected += insert_users!(chunk)
                    .build()
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        });
        Ok((
            affected,
            format!("{} INSERTs, raw sqlx", n.div_ceil(size.max(1))),
        ))
    })
    .await
}
