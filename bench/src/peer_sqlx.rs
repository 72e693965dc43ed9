//! The baseline: the same workloads on raw sqlx, written the way a sqlx user would
//! (static SQL strings, `query_as` into a `FromRow` struct, `QueryBuilder` for lists).

use std::collections::HashMap;

use sqlx::{MySqlPool, PgPool, QueryBuilder, SqlitePool};

use crate::{
    data::{self, graph_hash, id_hash, user_hash},
    models::{Post, User},
    runner::AsyncPeer,
    workload::*,
    Result,
};

/// A one-connection sqlx pool on one of the databases.
pub enum SqlxPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

/// Expands `$body` once per pool type, with `$p` bound to the typed pool.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            SqlxPool::Sqlite($p) => $body,
            SqlxPool::Postgres($p) => $body,
            SqlxPool::MySql($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A multi-row INSERT of some users into `users` (a `QueryBuilder` of the pool's
/// database, which the expansion site decides).
macro_rules! insert_users {
    ($users:expr) => {{
        let mut b = sqlx::QueryBuilder::new("INSERT INTO users (name, email, age, created_at) ");
        b.push_values($users, |mut row, u| {
            row.push_bind(&u.name)
                .push_bind(&u.email)
                .push_bind(u.age)
                .push_bind(u.created_at);
        });
        b
    }};
}
pub(crate) use insert_users;

/// The statements, in each database's placeholder syntax.
struct Statements {
    insert: &'static str,
    select_by_id: &'static str,
    update: &'static str,
}

const QMARK: Statements = Statements {
    insert: "INSERT INTO users (name, email, age, created_at) VALUES (?, ?, ?, ?)",
    select_by_id: "SELECT id, name, email, age, created_at FROM users WHERE id = ?",
    update: "UPDATE users SET name = ?, age = ? WHERE id = ?",
};

const DOLLAR: Statements = Statements {
    insert: "INSERT INTO users (name, email, age, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
    select_by_id: "SELECT id, name, email, age, created_at FROM users WHERE id = $1",
    update: "UPDATE users SET name = $1, age = $2 WHERE id = $3",
};

const SELECT_USERS: &str = "SELECT id, name, email, age, created_at FROM users";

/// raw sqlx on one database.
pub struct SqlxPeer {
    pub pool: SqlxPool,
}

impl SqlxPeer {
    fn statements(&self) -> &'static Statements {
        match self.pool {
            SqlxPool::Postgres(_) => &DOLLAR,
            _ => &QMARK,
        }
    }

    /// One INSERT of `u` on `$e` (a pool or a transaction), returning the new id the way
    /// each driver gives it: last-insert-rowid, LAST_INSERT_ID, RETURNING.
    async fn insert_one(&self, u: &User, tx: Option<&mut AnyTx>) -> Result<i64> {
        let sql = self.statements().insert;
        macro_rules! bind_user {
            ($q:expr) => {
                $q.bind(&u.name)
                    .bind(&u.email)
                    .bind(u.age)
                    .bind(u.created_at)
            };
        }
        Ok(match (&self.pool, tx) {
            (SqlxPool::Sqlite(p), None) => bind_user!(sqlx::query(sql))
                .execute(p)
                .await?
                .last_insert_rowid(),
            (SqlxPool::Sqlite(_), Some(AnyTx::Sqlite(t))) => bind_user!(sqlx::query(sql))
                .execute(&mut **t)
                .await?
                .last_insert_rowid(),
            (SqlxPool::MySql(p), None) => bind_user!(sqlx::query(sql))
                .execute(p)
                .await?
                .last_insert_id() as i64,
            (SqlxPool::MySql(_), Some(AnyTx::MySql(t))) => bind_user!(sqlx::query(sql))
                .execute(&mut **t)
                .await?
                .last_insert_id() as i64,
            (SqlxPool::Postgres(p), None) => {
                bind_user!(sqlx::query_scalar::<_, i64>(sql))
                    .fetch_one(p)
                    .await?
            }
            (SqlxPool::Postgres(_), Some(AnyTx::Postgres(t))) => {
                bind_user!(sqlx::query_scalar::<_, i64>(sql))
                    .fetch_one(&mut **t)
                    .await?
            }
            _ => {
                return Err(crate::BenchError::Wrong(
                    "a transaction of another database".into(),
                ))
            }
        })
    }
}

impl AsyncPeer for SqlxPeer {
    fn peer_name(&self) -> &'static str {
        crate::runner::BASELINE
    }

    async fn exec_all(&self, statements: &[impl AsRef<str>]) -> Result<()> {
        for s in statements {
            let sql = sqlx::AssertSqlSafe(s.as_ref().to_string());
            on_pool!(&self.pool, |p| sqlx::query(sql)
                .execute(p)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    async fn w1(&self) -> Result<u64> {
        let mut sum = 0u64;
        for i in 1..=W1_USERS {
            let u = data::user(i, "one");
            sum = sum.wrapping_add(id_hash(self.insert_one(&u, None).await?));
        }
        Ok(sum)
    }

    async fn w2(&self) -> Result<u64> {
        let users: Vec<User> = (1..=W2_USERS).map(|i| data::user(i, "batch")).collect();
        let mut affected = 0;
        for chunk in users.chunks(W2_BATCH) {
            affected += on_pool!(&self.pool, |p| insert_users!(chunk)
                .build()
                .execute(p)
                .await?
                .rows_affected());
        }
        Ok(affected)
    }

    async fn w3(&self) -> Result<u64> {
        let sql = self.statements().select_by_id;
        let mut sum = 0u64;
        for id in data::random_ids(W3_SEED, W3_SELECTS) {
            let u: User = on_pool!(&self.pool, |p| sqlx::query_as::<_, User>(sql)
                .bind(id)
                .fetch_one(p)
                .await?);
            sum = sum.wrapping_add(user_hash(&u));
        }
        Ok(sum)
    }

    async fn w4(&self) -> Result<u64> {
        let mut sum = 0u64;
        for _ in 0..W4_LOADS {
            let users: Vec<User> =
                on_pool!(&self.pool, |p| sqlx::query_as::<_, User>(SELECT_USERS)
                    .fetch_all(p)
                    .await?);
            sum = users.iter().fold(sum, |s, u| s.wrapping_add(user_hash(u)));
        }
        Ok(sum)
    }

    async fn w5(&self) -> Result<u64> {
        let mut sum = 0u64;
        for _ in 0..W5_LOADS {
            let users: Vec<User> =
                on_pool!(&self.pool, |p| sqlx::query_as::<_, User>(SELECT_USERS)
                    .fetch_all(p)
                    .await?);
            let posts: Vec<Post> = on_pool!(&self.pool, |p| {
                let mut b = QueryBuilder::new(
                    "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
                );
                let mut list = b.separated(", ");
                for u in &users {
                    list.push_bind(u.id);
                }
                b.push(")");
                b.build_query_as::<Post>().fetch_all(p).await?
            });
            let mut by_user: HashMap<i64, Vec<Post>> = HashMap::with_capacity(users.len());
            for p in posts {
                by_user.entry(p.user_id).or_default().push(p);
            }
            let graph: Vec<(User, Vec<Post>)> = users
                .into_iter()
                .map(|u| {
                    let posts = by_user.remove(&u.id).unwrap_or_default();
                    (u, posts)
                })
                .collect();
            sum = sum.wrapping_add(graph_hash(
                graph.iter().map(|(u, p)| (user_hash(u), p.as_slice())),
            ));
        }
        Ok(sum)
    }

    async fn w6(&self) -> Result<u64> {
        let sql = self.statements().update;
        let mut affected = 0u64;
        for (k, id) in data::random_ids(W6_SEED, W6_UPDATES)
            .into_iter()
            .enumerate()
        {
            let name = format!("updated{k}");
            affected += on_pool!(&self.pool, |p| sqlx::query(sql)
                .bind(&name)
                .bind((k % 90) as i32)
                .bind(id)
                .execute(p)
                .await?
                .rows_affected());
        }
        Ok(affected)
    }

    async fn w7(&self) -> Result<u64> {
        let mut sum = 0u64;
        for t in 0..W7_TRANSACTIONS {
            let mut tx = match &self.pool {
                SqlxPool::Sqlite(p) => AnyTx::Sqlite(p.begin().await?),
                SqlxPool::Postgres(p) => AnyTx::Postgres(p.begin().await?),
                SqlxPool::MySql(p) => AnyTx::MySql(p.begin().await?),
            };
            for j in 1..=W7_INSERTS {
                let u = data::user(t * W7_INSERTS + j, "tx");
                sum = sum.wrapping_add(id_hash(self.insert_one(&u, Some(&mut tx)).await?));
            }
            match tx {
                AnyTx::Sqlite(t) => t.commit().await?,
                AnyTx::Postgres(t) => t.commit().await?,
                AnyTx::MySql(t) => t.commit().await?,
            }
        }
        Ok(sum)
    }
}

/// A transaction on one of the pools.
enum AnyTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    MySql(sqlx::Transaction<'static, sqlx::MySql>),
}
