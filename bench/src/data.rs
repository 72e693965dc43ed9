//! The workloads' data (WORKLOADS.md, "Data"): users and posts made from an index, the
//! splitmix64 id sequences, the seeding SQL, and the checksums both peers compute.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::models::{Post, User};

/// Seeded users for W3, W4 and W6.
pub const SEEDED_USERS: usize = 10_000;
/// Users seeded for W5, each with [`POSTS_PER_USER`] posts.
pub const W5_USERS: usize = 1_000;
/// Posts per W5 user.
pub const POSTS_PER_USER: usize = 10;

/// The fixed ~200-character body of every seeded post.
pub const POST_BODY: &str = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do \
    eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis \
    nostrud exercitation ullamco laboris nisi ut aliquip.";

/// The splitmix64 generator: add the golden gamma, then two multiply-xorshift steps.
///
/// ```
/// let mut r = plugorm_bench::data::SplitMix64::new(42);
/// let a = r.next_u64();
/// assert_ne!(a, r.next_u64());
/// assert!((1..=10_000).contains(&plugorm_bench::data::SplitMix64::new(42).next_id()));
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with this seed (W3 uses 42, W6 4242).
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next random user id: 1 + (next mod 10,000).
    pub fn next_id(&mut self) -> i64 {
        1 + (self.next_u64() % SEEDED_USERS as u64) as i64
    }
}

/// `n` random ids from `seed`.
pub fn random_ids(seed: u64, n: usize) -> Vec<i64> {
    let mut r = SplitMix64::new(seed);
    (0..n).map(|_| r.next_id()).collect()
}

fn base_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// The user made from index `i` (1-based) and a name prefix; `id` stays 0 (generated).
///
/// ```
/// let u = plugorm_bench::data::user(2, "one");
/// assert_eq!(u.name, "one2");
/// assert_eq!(u.email.as_deref(), Some("one2@example.com"));
/// assert_eq!(u.age, 20);
/// assert!(plugorm_bench::data::user(3, "one").email.is_none());
/// ```
pub fn user(i: usize, prefix: &str) -> User {
    let name = format!("{prefix}{i}");
    let email = (i % 2 == 0).then(|| format!("{name}@example.com"));
    User {
        id: 0,
        age: 18 + (i % 60) as i32,
        created_at: base_time() + TimeDelta::seconds(i as i64),
        name,
        email,
    }
}

/// The seeded post with id `q` (1-based): it belongs to user `(q-1)/10 + 1`.
pub fn post(q: usize) -> Post {
    let user = (q - 1) / POSTS_PER_USER + 1;
    let k = (q - 1) % POSTS_PER_USER + 1;
    Post {
        id: q as i64,
        user_id: user as i64,
        title: format!("post {user}-{k}"),
        body: POST_BODY.to_string(),
    }
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Plain multi-row INSERTs (literal values, 1,000 rows each) seeding users `1..=n` with
/// prefix `user`. Preparation only: it is never timed.
pub fn seed_users_sql(n: usize) -> Vec<String> {
    let rows: Vec<String> = (1..=n)
        .map(|i| {
            let u = user(i, "user");
            format!(
                "({i}, {}, {}, {}, '{}')",
                sql_text(&u.name),
                u.email.as_deref().map_or("NULL".to_string(), sql_text),
                u.age,
                u.created_at.format("%Y-%m-%d %H:%M:%S")
            )
        })
        .collect();
    rows.chunks(1000)
        .map(|c| {
            format!(
                "INSERT INTO users (id, name, email, age, created_at) VALUES {}",
                c.join(", ")
            )
        })
        .collect()
}

/// Plain multi-row INSERTs seeding the W5 posts (ids `1..=n`).
pub fn seed_posts_sql(n: usize) -> Vec<String> {
    let rows: Vec<String> = (1..=n)
        .map(|q| {
            let p = post(q);
            format!(
                "({}, {}, {}, {})",
                p.id,
                p.user_id,
                sql_text(&p.title),
                sql_text(&p.body)
            )
        })
        .collect();
    rows.chunks(1000)
        .map(|c| {
            format!(
                "INSERT INTO posts (id, user_id, title, body) VALUES {}",
                c.join(", ")
            )
        })
        .collect()
}

/// FNV-1a over bytes, the building block of the checksums.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

const FNV_START: u64 = 0xCBF2_9CE4_8422_2325;

/// A checksum of one mapped user (every field).
pub fn user_hash(u: &User) -> u64 {
    user_fields_hash(u.id, &u.name, u.email.as_deref(), u.age, u.created_at)
}

/// [`user_hash`] of a user's fields, wherever they are held.
pub fn user_fields_hash(
    id: i64,
    name: &str,
    email: Option<&str>,
    age: i32,
    created_at: NaiveDateTime,
) -> u64 {
    let mut h = fnv(FNV_START, &id.to_le_bytes());
    h = fnv(h, name.as_bytes());
    h = match email {
        Some(e) => fnv(fnv(h, b"S"), e.as_bytes()),
        None => fnv(h, b"N"),
    };
    h = fnv(h, &age.to_le_bytes());
    fnv(h, &created_at.and_utc().timestamp_micros().to_le_bytes())
}

/// A checksum of one mapped post (every field).
pub fn post_hash(p: &Post) -> u64 {
    post_fields_hash(p.id, p.user_id, &p.title, &p.body)
}

/// [`post_hash`] of a post's fields, wherever they are held.
pub fn post_fields_hash(id: i64, user_id: i64, title: &str, body: &str) -> u64 {
    let mut h = fnv(FNV_START, &id.to_le_bytes());
    h = fnv(h, &user_id.to_le_bytes());
    h = fnv(h, title.as_bytes());
    fnv(h, body.as_bytes())
}

/// A checksum of an id got back from an insert.
pub fn id_hash(id: i64) -> u64 {
    fnv(FNV_START, &id.to_le_bytes())
}

/// A checksum of users loaded with their posts, from each user's [`user_hash`] and its
/// posts: order-independent over users, each user's hash mixed with the posts attached.
pub fn graph_hash<'a>(graph: impl IntoIterator<Item = (u64, &'a [Post])>) -> u64 {
    graph.into_iter().fold(0u64, |acc, (user, posts)| {
        acc.wrapping_add(graph_entry(user, posts.iter().map(post_hash)))
    })
}

/// One user's term of [`graph_hash`] (terms are added with `wrapping_add`), from its
/// [`user_hash`] and its posts' [`post_hash`]es, for peers with their own post type.
pub fn graph_entry(user: u64, post_hashes: impl IntoIterator<Item = u64>) -> u64 {
    let attached = post_hashes.into_iter().fold(0u64, u64::wrapping_add);
    fnv(user, &attached.to_le_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // Reference values of splitmix64 seeded with 0 (Vigna's published generator).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn seeded_posts_belong_to_their_users() {
        assert_eq!(post(1).user_id, 1);
        assert_eq!(post(10).user_id, 1);
        assert_eq!(post(11).user_id, 2);
        assert_eq!(post(11).title, "post 2-1");
        assert_eq!(post(10_000).user_id, 1_000);
    }

    #[test]
    fn seed_sql_has_one_insert_per_thousand_rows() {
        let s = seed_users_sql(2_500);
        assert_eq!(s.len(), 3);
        assert!(s[0].starts_with("INSERT INTO users"));
        assert!(s[0].contains("(2, 'user2', 'user2@example.com', 20, '2024-01-01 00:00:02')"));
        assert!(s[0].contains("(1, 'user1', NULL, 19, '2024-01-01 00:00:01')"));
    }
}
