//! The workloads through plugorm's idiomatic API (the plugin loaded from its `.so`).

use plugorm::{Db, Value};

use crate::{
    data::{self, graph_hash, id_hash, user_hash},
    models::{User, UserWithPosts},
    runner::AsyncPeer,
    workload::*,
    Result,
};

/// plugorm on one database.
pub struct PlugormPeer {
    pub db: Db,
    /// `plugorm` (dialects from their `.so`) or `plugorm-static` (linked in).
    pub name: &'static str,
}

impl AsyncPeer for PlugormPeer {
    fn peer_name(&self) -> &'static str {
        self.name
    }

    async fn exec_all(&self, statements: &[impl AsRef<str>]) -> Result<()> {
        for s in statements {
            self.db.exec(s.as_ref(), ()).await?;
        }
        Ok(())
    }

    async fn w1(&self) -> Result<u64> {
        // Autocommit, as the workload says: GORM's SkipDefaultTransaction.
        let db = self.db.skip_default_transaction();
        let mut sum = 0u64;
        for i in 1..=W1_USERS {
            let mut u = data::user(i, "one");
            db.create(&mut u).await?;
            sum = sum.wrapping_add(id_hash(u.id));
        }
        Ok(sum)
    }

    async fn w2(&self) -> Result<u64> {
        let db = self.db.skip_default_transaction();
        let mut users: Vec<User> = (1..=W2_USERS).map(|i| data::user(i, "batch")).collect();
        Ok(db.create_in_batches(&mut users, W2_BATCH).await?)
    }

    async fn w3(&self) -> Result<u64> {
        let mut sum = 0u64;
        for id in data::random_ids(W3_SEED, W3_SELECTS) {
            let u: User = self.db.model::<User>().id(id).first().await?;
            sum = sum.wrapping_add(user_hash(&u));
        }
        Ok(sum)
    }

    async fn w4(&self) -> Result<u64> {
        let mut sum = 0u64;
        for _ in 0..W4_LOADS {
            let users: Vec<User> = self.db.model::<User>().find().await?;
            sum = users.iter().fold(sum, |s, u| s.wrapping_add(user_hash(u)));
        }
        Ok(sum)
    }

    async fn w5(&self) -> Result<u64> {
        let mut sum = 0u64;
        for _ in 0..W5_LOADS {
            let users: Vec<UserWithPosts> = self
                .db
                .model::<UserWithPosts>()
                .preload("Posts")
                .find()
                .await?;
            sum = sum.wrapping_add(graph_hash(
                users.iter().map(|u| (u.user_hash(), u.posts.as_slice())),
            ));
        }
        Ok(sum)
    }

    async fn w6(&self) -> Result<u64> {
        let db = self.db.skip_default_transaction();
        let mut affected = 0u64;
        for (k, id) in data::random_ids(W6_SEED, W6_UPDATES)
            .into_iter()
            .enumerate()
        {
            affected += db
                .model::<User>()
                .id(id)
                .updates_map([
                    ("name", Value::from(format!("updated{k}"))),
                    ("age", Value::from((k % 90) as i32)),
                ])
                .await?;
        }
        Ok(affected)
    }

    async fn w7(&self) -> Result<u64> {
        let mut sum = 0u64;
        for t in 0..W7_TRANSACTIONS {
            sum = sum.wrapping_add(
                self.db
                    .transaction(|tx| async move {
                        let mut s = 0u64;
                        for j in 1..=W7_INSERTS {
                            let mut u = data::user(t * W7_INSERTS + j, "tx");
                            tx.create(&mut u).await?;
                            s = s.wrapping_add(id_hash(u.id));
                        }
                        Ok(s)
                    })
                    .await?,
            );
        }
        Ok(sum)
    }
}
