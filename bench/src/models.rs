//! The benchmark's models: `User` and `Post` (WORKLOADS.md's Rust-side mapping), and
//! `UserWithPosts`, the same `users` rows with their posts attached by preload (W5).
//!
//! Each also derives sqlx's `FromRow`, so the baseline maps rows into the very same
//! structs.

use chrono::NaiveDateTime;

/// A row of `users`.
///
/// ```
/// use plugorm::Model;
/// assert_eq!(plugorm_bench::models::User::schema().table.as_str(), "users");
/// ```
#[derive(Debug, Default, Clone, PartialEq, plugorm::Model, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    #[orm(size = 100)]
    pub name: String,
    #[orm(size = 200)]
    pub email: Option<String>,
    pub age: i32,
    pub created_at: NaiveDateTime,
}

/// A row of `posts`.
///
/// ```
/// use plugorm::Model;
/// assert_eq!(plugorm_bench::models::Post::schema().fields.len(), 4);
/// ```
#[derive(Debug, Default, Clone, PartialEq, plugorm::Model, sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub user_id: i64,
    #[orm(size = 200)]
    pub title: String,
    pub body: String,
}

/// A user with its posts, loaded by `preload("Posts")` (two queries: the users, then the
/// posts whose `user_id` is in the loaded ids).
///
/// ```
/// use plugorm::Model;
/// assert_eq!(plugorm_bench::models::UserWithPosts::schema().table.as_str(), "users");
/// ```
#[derive(Debug, Default, Clone, PartialEq, plugorm::Model)]
#[orm(table = "users")]
pub struct UserWithPosts {
    pub id: i64,
    #[orm(size = 100)]
    pub name: String,
    #[orm(size = 200)]
    pub email: Option<String>,
    pub age: i32,
    pub created_at: NaiveDateTime,
    #[orm(has_many, foreign_key = "user_id")]
    pub posts: Vec<Post>,
}

impl UserWithPosts {
    /// The checksum of the user's own fields, as [`crate::data::user_hash`] of a `User`.
    pub fn user_hash(&self) -> u64 {
        crate::data::user_fields_hash(
            self.id,
            &self.name,
            self.email.as_deref(),
            self.age,
            self.created_at,
        )
    }
}
