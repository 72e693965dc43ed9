//! The measured phases of a scale run, each on one database through plugorm: stream a
//! big table, load part of it into a `Vec`, batch inserts at one batch size, preload
//! parents with their children. Each reports its time and the growth of the process's
//! peak resident set over the phase.

use std::time::Instant;

use plugorm::{
    plugin_api::ffi::crossings::{self, Crossings},
    Db,
};

use crate::{
    data::{self, user_hash},
    models::{User, UserWithPosts},
    rss, BenchError, Result,
};

/// One measured phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// What ran (`stream`, `find into Vec`, `create_in_batches(500)`, …).
    pub what: String,
    /// Rows read or written.
    pub rows: u64,
    /// Wall time in seconds.
    pub secs: f64,
    /// Peak resident set over the phase minus the resident set at its start, in KiB.
    pub growth_kib: Option<u64>,
    /// The peak resident set over the phase, in KiB.
    pub peak_kib: Option<u64>,
    /// Anything the reader needs (statements sent, an error).
    pub note: String,
    /// plugorm's crossings of the plugin boundary over the phase (wakes counted).
    pub crossings: Crossings,
}

impl Phase {
    /// Rows per second.
    pub fn rate(&self) -> f64 {
        self.rows as f64 / self.secs.max(1e-9)
    }
}

/// Runs `f` as a phase: the peak reset before, the time and the peak's growth after.
pub async fn measured<F, Fut>(what: impl Into<String>, f: F) -> Result<Phase>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(u64, String)>>,
{
    rss::reset_peak();
    let start_kib = rss::current_kib();
    crossings::count_wakes(true);
    let before = crossings::snapshot();
    let t = Instant::now();
    let ran = f().await;
    let secs = t.elapsed().as_secs_f64();
    let spent = crossings::snapshot().since(before);
    crossings::count_wakes(false);
    let (rows, note) = ran?;
    let peak_kib = rss::peak_kib();
    Ok(Phase {
        what: what.into(),
        rows,
        secs,
        growth_kib: peak_kib.zip(start_kib).map(|(p, s)| p.saturating_sub(s)),
        peak_kib,
        note,
        crossings: spent,
    })
}

/// The streamed table: `users` rows in a table of their own.
pub const SCALE_TABLE: &str = "scale_rows";

/// Streams every row of `scale_rows` (checked to be `expected`), one model at a time.
pub async fn stream(db: &Db, expected: u64) -> Result<Phase> {
    measured("stream()", || async {
        let mut rows = db.model::<User>().table(SCALE_TABLE).stream().await?;
        let (mut n, mut sum) = (0u64, 0u64);
        while let Some(r) = rows.next().await? {
            n += 1;
            sum = sum.wrapping_add(user_hash(&r));
        }
        if n != expected {
            return Err(BenchError::Wrong(format!(
                "streamed {n} rows of {expected}"
            )));
        }
        Ok((n, format!("checksum {sum:016x}")))
    })
    .await
}

/// Loads the first `n` rows of `scale_rows` into a `Vec` with `find`.
pub async fn vec(db: &Db, n: u64) -> Result<Phase> {
    measured("find() into Vec", || async {
        let rows: Vec<User> = db
            .model::<User>()
            .table(SCALE_TABLE)
            .limit(n)
            .find()
            .await?;
        let sum = rows.iter().fold(0u64, |s, r| s.wrapping_add(user_hash(r)));
        let got = rows.len() as u64;
        drop(rows);
        if got != n {
            return Err(BenchError::Wrong(format!("found {got} rows of {n}")));
        }
        Ok((got, format!("checksum {sum:016x}")))
    })
    .await
}

/// The rows one INSERT of `size` rows really carries: plugorm caps a batch at the
/// dialect's parameter limit over the columns written.
///
/// ```
/// use plugorm_bench::scale::phases::rows_per_statement;
/// assert_eq!(rows_per_statement(500, 32_766, 4), 500);
/// assert_eq!(rows_per_statement(20_000, 32_766, 4), 8_191);
/// ```
pub fn rows_per_statement(size: usize, max_params: u32, columns: usize) -> usize {
    size.min((max_params as usize / columns.max(1)).max(1))
}

/// Columns a `User` INSERT writes (the key is generated).
pub const USER_COLUMNS: usize = 4;

/// `create_in_batches` of `n` new users at batch size `size` (one transaction, keys read
/// back), into an empty `users` table.
pub async fn insert(db: &Db, n: usize, size: usize) -> Result<Phase> {
    let mut users: Vec<_> = (1..=n).map(|i| data::user(i, "scale")).collect();
    let max_params = db.dialect().capabilities().max_params;
    let per = rows_per_statement(size, max_params, USER_COLUMNS);
    measured(format!("create_in_batches({size})"), || async {
        let affected = db.create_in_batches(&mut users, size).await?;
        if affected != n as u64 || users.iter().any(|u| u.id == 0) {
            return Err(BenchError::Wrong(format!(
                "created {affected} of {n} rows, or a key was not read back"
            )));
        }
        let note = if per < size {
            format!(
                "{} INSERTs of ≤ {per} rows (capped: {max_params} parameters / {USER_COLUMNS} columns)",
                n.div_ceil(per)
            )
        } else {
            format!("{} INSERTs", n.div_ceil(per))
        };
        Ok((affected, note))
    })
    .await
}

/// `preload("Posts")` of every user (checked: `users` users and `posts` posts).
pub async fn preload(db: &Db, users: u64, posts: u64) -> Result<Phase> {
    measured("preload(\"Posts\").find()", || async {
        let found: Vec<UserWithPosts> = db.model::<UserWithPosts>().preload("Posts").find().await?;
        let attached: usize = found.iter().map(|u| u.posts.len()).sum();
        if found.len() as u64 != users || attached as u64 != posts {
            return Err(BenchError::Wrong(format!(
                "preloaded {} users with {attached} posts, expected {users} and {posts}",
                found.len()
            )));
        }
        let max = db.dialect().capabilities().max_params as usize;
        let chunk = (max.saturating_sub(100)).max(1);
        Ok((
            users + posts,
            format!(
                "{users} users + {posts} posts; posts in {} IN queries",
                (users as usize).div_ceil(chunk)
            ),
        ))
    })
    .await
}
