//! Hostile strings through every public API, on SQLite, PostgreSQL and MariaDB.
//!
//! **Values.** Every API that takes a string *value* — create, create_many, create_map,
//! save, the updates of a query and of a record, `filter` / `not` / `filter_named` /
//! `filter_map` / typed-column arguments, `IN` lists, `having`, `joins` and `inner_join`
//! ON arguments, `raw_scalar` / `exec` / `exec_named`, `first_or_create` attrs, update
//! expressions, `update_returning` — binds it: the string (quotes of every kind,
//! backslashes, statement separators, comment openers, placeholders of every dialect,
//! dollar quoting, control characters, bidi overrides, emoji, 64 KiB) comes back byte for
//! byte, and the rendered SQL text is the same as for a benign value. A NUL byte may be
//! refused by the database (PostgreSQL `text` holds none): that must be a typed
//! `Error::Db`, never a panic, with nothing half-written.
//!
//! **Identifiers.** Every API that takes a name plugorm writes into SQL — `pluck`, `group`,
//! `omit`, a record's `select` / `omit`, `inner_join`'s table, `table`, `filter_map` /
//! `update` / `attrs` / `create_map` keys, association filters, `preload`, `association`,
//! `lock_of`, a sub-query alias, `Expr::bare_col` in `select_cols` / `order_by`, savepoint
//! names — either quotes it (so it names a column or table literally called that, which
//! does not exist, and the statement fails) or refuses it with a typed error. After every
//! call a canary table still holds its rows.
//!
//! **Raw by design.** `select`, `filter`, `not`, `or`, `order`, `having`, `joins`, the ON
//! text of `inner_join`, `Expr::raw` and the text of `raw` / `exec` are SQL written by the
//! caller and documented as such: only their *bound arguments* are exercised here, and
//! they stay values.
//!
//! Each test prints how many strings × APIs it tried on its database.

use std::fmt::Debug;

use plugorm::{
    statement::{Expr, OrderBy},
    Error, Model, Value,
};
use plugorm_tests::matrix::{Backend, TestDb};

plugorm_tests::matrix!(hostile_values_round_trip, hostile_identifiers_cannot_escape);

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Note {
    id: i64,
    body: String,
    #[orm(size = 64)]
    tag: Option<String>,
}

/// The hostile strings, each with a short label for messages.
fn hostile() -> Vec<(&'static str, String)> {
    let mut big = String::with_capacity(64 * 1024);
    let pattern = "x'\"`]\\;--/*#$1?:n$$\n";
    while big.len() + pattern.len() <= 64 * 1024 {
        big.push_str(pattern);
    }
    while big.len() < 64 * 1024 {
        big.push('z');
    }
    [
        ("single quote", "'"),
        ("double quote", "\""),
        ("backtick", "`"),
        ("bracket", "]"),
        ("bracketed", "[notes]"),
        ("backslash", "\\"),
        ("backslash quote", "\\'"),
        ("trailing backslash", "abc\\"),
        ("quote drop", "'; DROP TABLE canary; --"),
        ("dquote drop", "\"; DROP TABLE canary; --"),
        ("backtick drop", "`; DROP TABLE canary; --"),
        ("backslash drop", "\\'; DROP TABLE canary; --"),
        ("or true", "' OR '1'='1"),
        ("line comment", "-- comment"),
        ("block comment", "/* open"),
        ("block close", "*/"),
        ("hash comment", "# hash"),
        ("nul", "a\0b"),
        ("rtl override", "abc\u{202E}fed"),
        ("emoji", "🦀👩\u{200D}💻"),
        ("bom and zwsp", "\u{FEFF}x\u{200B}"),
        ("dollar one", "$1"),
        ("question", "?"),
        ("double question", "??"),
        ("colon name", ":name"),
        ("at name", "@name"),
        ("dollar quote", "$$"),
        ("tagged dollar", "$t$ x $t$"),
        ("percent", "%s %_"),
        ("newline", "line1\nline2"),
        ("crlf", "cr\r\nlf"),
        ("ctrl-z tab", "\u{1A}\t"),
        ("empty", ""),
    ]
    .into_iter()
    .map(|(l, s)| (l, s.to_string()))
    .chain([("64 KiB", big)])
    .collect()
}

/// The first characters of `s`, for messages.
fn short(s: &str) -> String {
    format!("{:?}", s.chars().take(32).collect::<String>())
}

/// A `canary` table with two rows, and an empty `notes`.
async fn setup(backend: Backend) -> Option<TestDb> {
    let db = backend.open("").await?;
    db.auto_migrate::<Note>().await.unwrap();
    db.exec("CREATE TABLE canary (x VARCHAR(40))", ())
        .await
        .unwrap();
    db.exec("INSERT INTO canary (x) VALUES ('one'), ('two')", ())
        .await
        .unwrap();
    Some(db)
}

/// The canary table is still there with both rows.
async fn canary_intact(db: &TestDb, what: &str) {
    let rows = db
        .raw_maps("SELECT x FROM canary ORDER BY x", ())
        .await
        .unwrap_or_else(|e| panic!("canary is gone after {what}: {e}"));
    let xs: Vec<Value> = rows.into_iter().filter_map(|mut r| r.remove("x")).collect();
    assert_eq!(
        xs,
        [Value::from("one"), Value::from("two")],
        "canary after {what}"
    );
}

async fn note_count(db: &TestDb) -> i64 {
    db.model::<Note>().count().await.unwrap()
}

async fn body_of(db: &TestDb, id: i64) -> String {
    db.model::<Note>().id(id).first().await.unwrap().body
}

/// Runs the value APIs on one string, counting them.
struct Values<'a> {
    db: &'a TestDb,
    label: &'static str,
    s: &'a str,
    tried: usize,
}

impl Values<'_> {
    /// The value `r` of API `api`: `None` when the database refused a NUL byte with a
    /// typed error (and then no row was added); a panic for any other error.
    async fn outcome<T: Debug>(&mut self, api: &str, r: plugorm::Result<T>) -> Option<T> {
        self.tried += 1;
        match r {
            Ok(v) => Some(v),
            Err(Error::Db(e)) if self.s.contains('\0') => {
                eprintln!("  {api} refused the NUL byte on {}: {e}", self.backend());
                None
            }
            Err(e) => panic!(
                "{api} with {} ({}) on {}: {e}",
                self.label,
                short(self.s),
                self.backend()
            ),
        }
    }

    fn backend(&self) -> &'static str {
        self.db.backend().name()
    }

    /// Asserts the stored body of `id` is the string, byte for byte.
    async fn stored(&self, api: &str, id: i64) {
        let body = body_of(self.db, id).await;
        assert!(
            body == self.s,
            "{api} with {} on {}: stored {} ({} bytes), sent {} ({} bytes)",
            self.label,
            self.backend(),
            short(&body),
            body.len(),
            short(self.s),
            self.s.len()
        );
    }

    /// A note with a benign body, for the updates.
    async fn fresh(&self) -> Note {
        let mut n = Note {
            body: "benign".into(),
            tag: Some("t".into()),
            ..Default::default()
        };
        self.db.create(&mut n).await.unwrap();
        n
    }

    async fn run(&mut self) {
        let db = self.db;
        let s = self.s.to_string();
        let before = note_count(db).await;

        // Creates.
        let mut n = Note {
            body: s.clone(),
            ..Default::default()
        };
        let created = db.create(&mut n).await;
        if self.outcome("create", created).await.is_none() {
            assert_eq!(
                note_count(db).await,
                before,
                "a refused create wrote nothing"
            );
            self.nul_refused_everywhere().await;
            return;
        }
        self.stored("create", n.id).await;
        let id = n.id;

        let mut two = vec![
            Note {
                body: s.clone(),
                ..Default::default()
            },
            Note {
                body: format!("{s}2"),
                ..Default::default()
            },
        ];
        let r = db.create_many(&mut two).await;
        self.outcome("create_many", r).await;
        self.stored("create_many", two[0].id).await;
        assert_eq!(body_of(db, two[1].id).await, format!("{s}2"));

        let r = db.model::<Note>().create_map([("body", s.clone())]).await;
        match self.outcome("create_map", r).await {
            Some(Some(Value::I64(key))) => self.stored("create_map", key).await,
            other => panic!("create_map returned {other:?}"),
        }

        // Updates.
        let f = self.fresh().await;
        let r = db.model::<Note>().id(f.id).update("body", s.clone()).await;
        self.outcome("Query::update", r).await;
        self.stored("Query::update", f.id).await;

        let f = self.fresh().await;
        let r = db
            .model::<Note>()
            .id(f.id)
            .updates_map([("body", s.clone())])
            .await;
        self.outcome("Query::updates_map", r).await;
        self.stored("Query::updates_map", f.id).await;

        // `updates(&struct)` skips zero fields (GORM's rule): the empty string is one.
        if !s.is_empty() {
            let f = self.fresh().await;
            let example = Note {
                body: s.clone(),
                ..Default::default()
            };
            let r = db.model::<Note>().id(f.id).updates(&example).await;
            self.outcome("Query::updates", r).await;
            self.stored("Query::updates", f.id).await;
        }

        let f = self.fresh().await;
        let r = db
            .model::<Note>()
            .id(f.id)
            .update("body", Expr::raw("?", [Value::from(s.clone())]))
            .await;
        self.outcome("update with Expr::raw argument", r).await;
        self.stored("update with Expr::raw argument", f.id).await;

        let mut f = self.fresh().await;
        let r = db.record(&mut f).update("body", s.clone()).await;
        self.outcome("Record::update", r).await;
        self.stored("Record::update", f.id).await;
        assert_eq!(f.body, s);

        let mut f = self.fresh().await;
        let r = db.record(&mut f).updates_map([("body", s.clone())]).await;
        self.outcome("Record::updates_map", r).await;
        self.stored("Record::updates_map", f.id).await;

        let mut f = self.fresh().await;
        f.body = s.clone();
        let r = db.save(&mut f).await;
        self.outcome("save", r).await;
        self.stored("save", f.id).await;

        if db.dialect().capabilities().returning {
            let f = self.fresh().await;
            let r = db
                .model::<Note>()
                .id(f.id)
                .update_returning("body", s.clone())
                .await;
            let back = self.outcome("update_returning", r).await.unwrap();
            assert_eq!(back[0].body, s);
            self.stored("update_returning", f.id).await;
        }

        // Conditions: arguments are values.
        let q = || db.model::<Note>().filter("notes.id = ?", (id,));
        let r = q().filter("body = ?", (s.clone(),)).count().await;
        assert_eq!(self.outcome("filter", r).await, Some(1));
        let r = q().not("body = ?", (s.clone(),)).count().await;
        assert_eq!(self.outcome("not", r).await, Some(0));
        let r = q().filter("body IN ?", (vec![s.clone()],)).count().await;
        assert_eq!(self.outcome("filter IN list", r).await, Some(1));
        let r = q().filter_map([("body", s.clone())]).unwrap().count().await;
        assert_eq!(self.outcome("filter_map", r).await, Some(1));
        let r = q().filter_cols([Note::BODY.eq(s.clone())]).count().await;
        assert_eq!(self.outcome("typed column eq", r).await, Some(1));
        let r = db
            .model::<Note>()
            .filter_named(
                "id = @id AND body = @b",
                &[("id", Value::from(id)), ("b", Value::from(s.clone()))],
            )
            .unwrap()
            .count()
            .await;
        assert_eq!(self.outcome("filter_named", r).await, Some(1));
        let r = q()
            .joins(
                "INNER JOIN notes n2 ON n2.id = notes.id AND n2.body = ?",
                (s.clone(),),
            )
            .count()
            .await;
        assert_eq!(self.outcome("joins argument", r).await, Some(1));
        let r = q()
            .inner_join("notes n2", "n2.id = notes.id AND n2.body = ?", (s.clone(),))
            .count()
            .await;
        assert_eq!(self.outcome("inner_join ON argument", r).await, Some(1));
        let r = q()
            .select(&["id"])
            .group("id")
            .having("max(body) = ?", (s.clone(),))
            .find_maps()
            .await;
        assert_eq!(self.outcome("having", r).await.map(|v| v.len()), Some(1));

        // Reading values back.
        let r = q().pluck::<String>("body").await;
        assert_eq!(self.outcome("pluck", r).await, Some(vec![s.clone()]));
        let r = db
            .raw_scalar::<String>(
                "SELECT body FROM notes WHERE id = ? AND body = ?",
                (id, s.clone()),
            )
            .await;
        assert_eq!(self.outcome("raw_scalar", r).await, Some(Some(s.clone())));
        let r = db
            .raw_scalar::<String>(
                &format!(
                    "SELECT {}",
                    self.db.backend().pick("?", "CAST(? AS text)", "?")
                ),
                (s.clone(),),
            )
            .await;
        assert_eq!(
            self.outcome("raw_scalar echo", r).await,
            Some(Some(s.clone()))
        );

        // Raw writes with bound arguments.
        let r = db
            .exec(
                "INSERT INTO notes (body, tag) VALUES (?, ?)",
                (s.clone(), "raw"),
            )
            .await;
        self.outcome("exec", r).await;
        let last = db.model::<Note>().last().await.unwrap();
        self.stored("exec", last.id).await;
        let f = self.fresh().await;
        let r = db
            .exec_named(
                "UPDATE notes SET body = @b WHERE id = @id",
                &[("b", Value::from(s.clone())), ("id", Value::from(f.id))],
            )
            .await;
        self.outcome("exec_named", r).await;
        self.stored("exec_named", f.id).await;

        // first_or_create: attrs and assign are values.
        let tag = format!("foc-{}", self.label);
        let r = db
            .model::<Note>()
            .filter_map([("tag", tag.clone())])
            .unwrap()
            .attrs(&[("body", Value::from(s.clone()))])
            .unwrap()
            .first_or_create()
            .await;
        let made = self.outcome("first_or_create attrs", r).await.unwrap();
        self.stored("first_or_create attrs", made.id).await;
        assert_eq!(made.tag.as_deref(), Some(tag.as_str()));
        let r = db
            .model::<Note>()
            .filter_map([("tag", tag)])
            .unwrap()
            .assign(&[("body", Value::from(format!("{s}!")))])
            .unwrap()
            .first_or_create()
            .await;
        let found = self.outcome("first_or_create assign", r).await.unwrap();
        assert_eq!(found.id, made.id, "found, not created again");
        assert_eq!(body_of(db, made.id).await, format!("{s}!"));

        // The SQL text does not depend on the value.
        self.same_sql(&s).await;
    }

    /// The SQL of a filter, a create and an update is the same for the string as for a
    /// benign value: the value never reaches the text.
    async fn same_sql(&mut self, s: &str) {
        let db = self.db;
        let sql_of = |v: String| async move {
            let filter = db
                .to_sql(|tx| async move {
                    tx.model::<Note>()
                        .filter("body = ?", (v.clone(),))
                        .filter_map([("tag", v)])
                        .unwrap()
                        .find()
                        .await
                })
                .await
                .unwrap();
            let create = db
                .to_sql(|tx| async move {
                    let mut n = Note {
                        body: "x".into(),
                        ..Default::default()
                    };
                    tx.create(&mut n).await
                })
                .await
                .unwrap();
            (filter.text.to_string(), create.text.to_string())
        };
        let hostile = sql_of(s.to_string()).await;
        let benign = sql_of("benign".to_string()).await;
        self.tried += 2;
        assert_eq!(hostile, benign, "{} reached the SQL text", self.label);
    }

    /// A database that refused the NUL byte on create refuses it on every other write
    /// too, each a typed error with nothing written.
    async fn nul_refused_everywhere(&mut self) {
        let db = self.db;
        let s = self.s.to_string();
        let before = note_count(db).await;
        let mut two = vec![Note {
            body: s.clone(),
            ..Default::default()
        }];
        let r = db.create_many(&mut two).await;
        assert!(self.outcome("create_many", r).await.is_none());
        let r = db.model::<Note>().create_map([("body", s.clone())]).await;
        assert!(self.outcome("create_map", r).await.is_none());
        let r = db
            .exec("INSERT INTO notes (body) VALUES (?)", (s.clone(),))
            .await;
        assert!(self.outcome("exec", r).await.is_none());
        let r = db
            .model::<Note>()
            .filter_map([("tag", "nul")])
            .unwrap()
            .attrs(&[("body", Value::from(s.clone()))])
            .unwrap()
            .first_or_create()
            .await;
        assert!(self.outcome("first_or_create attrs", r).await.is_none());
        assert_eq!(note_count(db).await, before, "nothing was written");
        let f = self.fresh().await;
        let r = db.model::<Note>().id(f.id).update("body", s.clone()).await;
        assert!(self.outcome("Query::update", r).await.is_none());
        let mut g = f.clone();
        let r = db.record(&mut g).update("body", s.clone()).await;
        assert!(self.outcome("Record::update", r).await.is_none());
        assert_eq!(body_of(db, f.id).await, "benign", "the row is unchanged");
        self.same_sql(&s).await;
    }
}

async fn hostile_values_round_trip(backend: Backend) {
    let Some(db) = setup(backend).await else {
        return;
    };
    let strings = hostile();
    let mut tried = 0;
    for (label, s) in &strings {
        let mut v = Values {
            db: &db,
            label,
            s,
            tried: 0,
        };
        v.run().await;
        tried += v.tried;
        canary_intact(&db, label).await;
    }
    eprintln!(
        "hostile values on {}: {} strings, {tried} string x API tries",
        backend.name(),
        strings.len()
    );
}

/// `'static` text for the APIs whose keys are `&'static str` (field-name maps).
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// The identifier APIs on one string: each must fail (no column, table or relation of
/// that name exists) or, where a quoted name is legal on its own (a sub-query alias, a
/// savepoint, a lock target SQLite ignores), may succeed — and the canary stays.
async fn identifier_apis(db: &TestDb, label: &str, s: &str) -> usize {
    let mut tried = 0;
    let notes = note_count(db).await;
    let mut must_fail = |api: &str, r: plugorm::Result<()>| {
        tried += 1;
        assert!(
            r.is_err(),
            "{api} with {label} ({}) on {} should fail",
            short(s),
            db.backend().name()
        );
    };
    let q = || db.model::<Note>();
    must_fail("pluck", q().pluck::<String>(s).await.map(|_| ()));
    must_fail("group", q().group(s).count().await.map(|_| ()));
    must_fail("omit", q().omit(&[s]).find().await.map(|_| ()));
    must_fail(
        "inner_join table",
        q().inner_join(s, "1 = 1", ()).count().await.map(|_| ()),
    );
    must_fail("table", q().table(s).count().await.map(|_| ()));
    must_fail(
        "table + delete",
        q().table(s).filter("1 = 1", ()).delete().await.map(|_| ()),
    );
    must_fail(
        "table + update",
        q().table(s)
            .filter("1 = 1", ())
            .update("body", "x")
            .await
            .map(|_| ()),
    );
    must_fail("filter_map key", q().filter_map([(leak(s), 1)]).map(|_| ()));
    must_fail("update column", q().id(1).update(s, "x").await.map(|_| ()));
    must_fail(
        "updates_map key",
        q().id(1).updates_map([(leak(s), "x")]).await.map(|_| ()),
    );
    must_fail(
        "create_map key",
        q().create_map([(leak(s), "x")]).await.map(|_| ()),
    );
    must_fail("attrs key", q().attrs(&[(s, Value::from(1))]).map(|_| ()));
    must_fail("preload", q().preload(s).find().await.map(|_| ()));
    must_fail(
        "select_cols bare_col",
        q().select_cols([Expr::bare_col(s)])
            .find_maps()
            .await
            .map(|_| ()),
    );
    must_fail(
        "order_by bare_col",
        q().order_by(OrderBy::asc(Expr::bare_col(s)))
            .find()
            .await
            .map(|_| ()),
    );
    let mut n = Note {
        body: "id api".into(),
        ..Default::default()
    };
    must_fail(
        "select_associations",
        db.select_associations(&[s])
            .create(&mut n)
            .await
            .map(|_| ()),
    );
    must_fail(
        "omit_associations",
        db.omit_associations(&[s]).create(&mut n).await.map(|_| ()),
    );
    must_fail("association", db.association(&mut n, s).map(|_| ()));
    must_fail(
        "Record::select",
        db.record(&mut n).select(&[s]).create().await.map(|_| ()),
    );
    must_fail(
        "Record::omit",
        db.record(&mut n).omit(&[s]).create().await.map(|_| ()),
    );
    assert_eq!(note_count(db).await, notes, "nothing was written");

    // Legal as quoted names: a sub-query alias, a lock target, a savepoint.
    let sub = db.model::<Note>();
    let _ = q().from_subquery(&sub, s).unwrap().count().await;
    let owned = s.to_string();
    let _ = db
        .transaction(|tx| async move {
            tx.model::<Note>()
                .for_update()
                .lock_of(&[owned.as_str()])
                .find()
                .await
                .map(|_| ())
        })
        .await;
    let owned = s.to_string();
    let _ = db
        .transaction(|tx| async move {
            tx.savepoint(&owned).await?;
            Err::<(), _>(Error::msg("roll back"))
        })
        .await;
    tried += 3;

    // The dry-run SQL of `pluck` holds the name as one quoted identifier.
    if !s.contains('\0') {
        let owned = s.to_string();
        let sql = db
            .to_sql(|tx| async move { tx.model::<Note>().pluck::<String>(&owned).await })
            .await
            .unwrap();
        let quote = db.backend().pick("`", "\"", "`");
        let quoted = format!("{quote}{}{quote}", s.replace(quote, &quote.repeat(2)));
        assert!(
            sql.text.contains(&quoted),
            "{label}: {} does not quote {}",
            sql.text,
            short(s)
        );
        tried += 1;
    }
    tried
}

async fn hostile_identifiers_cannot_escape(backend: Backend) {
    let Some(db) = setup(backend).await else {
        return;
    };
    let mut n = Note {
        body: "kept".into(),
        ..Default::default()
    };
    db.create(&mut n).await.unwrap();
    let strings = hostile();
    let mut tried = 0;
    for (label, s) in &strings {
        tried += identifier_apis(&db, label, s).await;
        canary_intact(&db, label).await;
    }
    assert_eq!(body_of(&db, n.id).await, "kept");
    eprintln!(
        "hostile identifiers on {}: {} strings, {tried} string x API tries",
        backend.name(),
        strings.len()
    );
}
