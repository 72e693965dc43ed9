//! The workloads through Diesel's documented API: `insert_into(..).values(..)
//! .returning(id).get_result` (MySQL has no RETURNING: `execute`, then `SELECT
//! LAST_INSERT_ID()`), a batch `values(&[..]).execute`, `find(..).first`, `load`,
//! `belonging_to` + `grouped_by`, `update(find(..)).set(..)`, `transaction`.

use std::cell::RefCell;

use diesel::{
    connection::SimpleConnection,
    dsl::sql,
    mysql::MysqlConnection,
    pg::PgConnection,
    prelude::*,
    sql_types::{BigInt, Unsigned},
    sqlite::SqliteConnection,
};
use plugorm_bench::{
    data::{self, graph_entry, id_hash, post_fields_hash, user_fields_hash},
    models::User,
    runner::Peer,
    setup::{self, Peers},
    workload::*,
    BenchError, Database, Result,
};
use tokio::runtime::Runtime;

use super::{
    models::{DieselPost, DieselUser, NewUser},
    schema::users,
};

/// One native connection of Diesel's.
enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
    MySql(MysqlConnection),
}

/// Expands `$body` once per connection type, with `$c` bound to the typed connection.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
            Conn::MySql($c) => $body,
        }
    };
}

/// Diesel on one database (synchronous: the runtime is not used).
pub struct DieselPeer {
    conn: RefCell<Conn>,
}

fn diesel_error(e: impl std::error::Error + Send + Sync + 'static) -> BenchError {
    BenchError::Library {
        library: "Diesel",
        source: Box::new(e),
    }
}

/// Opens Diesel on `database` (its own SQLite file next to the other peers', with the
/// same pragmas) and creates the schema.
pub fn open(database: Database, peers: &Peers) -> Result<DieselPeer> {
    let conn = match database {
        Database::SqliteFile => {
            let dir = peers
                .sqlite_dir()
                .ok_or_else(|| BenchError::Setup("no folder for the SQLite files".into()))?;
            let path = dir.join("diesel.db");
            let mut c =
                SqliteConnection::establish(&path.to_string_lossy()).map_err(diesel_error)?;
            c.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
            )
            .map_err(diesel_error)?;
            Conn::Sqlite(c)
        }
        Database::SqliteMemory => {
            let mut c = SqliteConnection::establish(":memory:").map_err(diesel_error)?;
            c.batch_execute("PRAGMA foreign_keys = ON;")
                .map_err(diesel_error)?;
            Conn::Sqlite(c)
        }
        Database::Postgres => Conn::Postgres(
            PgConnection::establish(&setup::server_url(database)?).map_err(diesel_error)?,
        ),
        Database::MySql => {
            // Diesel spells the TLS parameter `ssl_mode` (the baseline's URL: `ssl-mode`).
            let url = setup::server_url(database)?.replace("ssl-mode=", "ssl_mode=");
            Conn::MySql(MysqlConnection::establish(&url).map_err(diesel_error)?)
        }
    };
    let peer = DieselPeer {
        conn: RefCell::new(conn),
    };
    peer.exec_all(database.schema())?;
    Ok(peer)
}

/// One INSERT returning the new key, as each backend allows.
trait CreateUser {
    fn create_user(&mut self, u: &User) -> QueryResult<i64>;
}

/// The key read back with RETURNING, where the backend has it.
macro_rules! create_returning_id {
    ($($conn:ty),*) => {$(
        impl CreateUser for $conn {
            fn create_user(&mut self, u: &User) -> QueryResult<i64> {
                diesel::insert_into(users::table)
                    .values(NewUser::from(u))
                    .returning(users::id)
                    .get_result(self)
            }
        }
    )*};
}
create_returning_id!(SqliteConnection, PgConnection);

impl CreateUser for MysqlConnection {
    fn create_user(&mut self, u: &User) -> QueryResult<i64> {
        diesel::insert_into(users::table)
            .values(NewUser::from(u))
            .execute(self)?;
        let id: u64 =
            diesel::select(sql::<Unsigned<BigInt>>("LAST_INSERT_ID()")).get_result(self)?;
        Ok(id as i64)
    }
}

fn user_hash(u: &DieselUser) -> u64 {
    user_fields_hash(u.id, &u.name, u.email.as_deref(), u.age, u.created_at)
}

impl Peer for DieselPeer {
    fn name(&self) -> &'static str {
        "Diesel"
    }

    fn prepare(&self, _rt: &Runtime, statements: &[String]) -> Result<()> {
        self.exec_all(statements)
    }

    fn run(&self, _rt: &Runtime, w: Workload) -> Result<u64> {
        let conn = &mut *self.conn.borrow_mut();
        match w {
            Workload::W1 => w1(conn),
            Workload::W2 => w2(conn),
            Workload::W3 => w3(conn),
            Workload::W4 => w4(conn),
            Workload::W5 => w5(conn),
            Workload::W6 => w6(conn),
            Workload::W7 => w7(conn),
        }
        .map_err(diesel_error)
    }
}

impl DieselPeer {
    fn exec_all(&self, statements: &[impl AsRef<str>]) -> Result<()> {
        let conn = &mut *self.conn.borrow_mut();
        for s in statements {
            on_conn!(conn, |c| c.batch_execute(s.as_ref())).map_err(diesel_error)?;
        }
        Ok(())
    }
}

fn w1(conn: &mut Conn) -> QueryResult<u64> {
    on_conn!(conn, |c| {
        let mut sum = 0u64;
        for i in 1..=W1_USERS {
            sum = sum.wrapping_add(id_hash(c.create_user(&data::user(i, "one"))?));
        }
        Ok(sum)
    })
}

fn w2(conn: &mut Conn) -> QueryResult<u64> {
    let users: Vec<User> = (1..=W2_USERS).map(|i| data::user(i, "batch")).collect();
    let mut affected = 0;
    for chunk in users.chunks(W2_BATCH) {
        let rows: Vec<NewUser> = chunk.iter().map(NewUser::from).collect();
        affected += on_conn!(conn, |c| diesel::insert_into(users::table)
            .values(&rows)
            .execute(c)?);
    }
    Ok(affected as u64)
}

fn w3(conn: &mut Conn) -> QueryResult<u64> {
    on_conn!(conn, |c| {
        let mut sum = 0u64;
        for id in data::random_ids(W3_SEED, W3_SELECTS) {
            let u: DieselUser = users::table
                .find(id)
                .select(DieselUser::as_select())
                .first(c)?;
            sum = sum.wrapping_add(user_hash(&u));
        }
        Ok(sum)
    })
}

fn w4(conn: &mut Conn) -> QueryResult<u64> {
    on_conn!(conn, |c| {
        let mut sum = 0u64;
        for _ in 0..W4_LOADS {
            let all: Vec<DieselUser> = users::table.select(DieselUser::as_select()).load(c)?;
            sum = all.iter().fold(sum, |s, u| s.wrapping_add(user_hash(u)));
        }
        Ok(sum)
    })
}

fn w5(conn: &mut Conn) -> QueryResult<u64> {
    on_conn!(conn, |c| {
        let mut sum = 0u64;
        for _ in 0..W5_LOADS {
            let all: Vec<DieselUser> = users::table.select(DieselUser::as_select()).load(c)?;
            let posts: Vec<DieselPost> = DieselPost::belonging_to(&all)
                .select(DieselPost::as_select())
                .load(c)?;
            for (u, posts) in all.iter().zip(posts.grouped_by(&all)) {
                let hashes = posts
                    .iter()
                    .map(|p| post_fields_hash(p.id, p.user_id, &p.title, &p.body));
                sum = sum.wrapping_add(graph_entry(user_hash(u), hashes));
            }
        }
        Ok(sum)
    })
}

fn w6(conn: &mut Conn) -> QueryResult<u64> {
    on_conn!(conn, |c| {
        let mut affected = 0u64;
        for (k, id) in data::random_ids(W6_SEED, W6_UPDATES)
            .into_iter()
            .enumerate()
        {
            affected += diesel::update(users::table.find(id))
                .set((
                    users::name.eq(format!("updated{k}")),
                    users::age.eq((k % 90) as i32),
                ))
                .execute(c)? as u64;
        }
        Ok(affected)
    })
}

fn w7(conn: &mut Conn) -> QueryResult<u64> {
    on_conn!(conn, |c| {
        let mut sum = 0u64;
        for t in 0..W7_TRANSACTIONS {
            sum = sum.wrapping_add(c.transaction(|c| {
                let mut s = 0u64;
                for j in 1..=W7_INSERTS {
                    s = s.wrapping_add(id_hash(
                        c.create_user(&data::user(t * W7_INSERTS + j, "tx"))?,
                    ));
                }
                QueryResult::Ok(s)
            })?);
        }
        Ok(sum)
    })
}
