//! Conditions (the scenarios of the host's `query_conditions` tests): grouped AND / OR /
//! NOT, lists, structs and maps, NULLs, ordering and paging, COUNT forms.

use plugorm::{plugin_api::statement::Expr, Model, Value};

use super::{
    crud::{seeded, KitProduct},
    ensure, ensure_eq, Ctx, Outcome, Step,
};

/// GORM's `Pizza` of TestGroupConditions.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_pizzas")]
struct KitPizza {
    id: i64,
    #[orm(size = 32)]
    pizza: String,
    #[orm(size = 32)]
    size: String,
    rating: Option<i64>,
}

fn codes(rows: &[KitProduct]) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().map(|p| p.code.clone()).collect();
    v.sort();
    v
}

fn pizzas(rows: &[KitPizza]) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .map(|p| format!("{}/{}", p.pizza, p.size))
        .collect();
    v.sort();
    v
}

pub(crate) async fn grouped_and_negated_conditions(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    db.auto_migrate::<KitPizza>()
        .await
        .step("auto_migrate kit_pizzas")?;
    let mut rows: Vec<KitPizza> = [
        ("pepperoni", "small"),
        ("pepperoni", "medium"),
        ("pepperoni", "large"),
        ("hawaiian", "xlarge"),
        ("hawaiian", "small"),
    ]
    .into_iter()
    .map(|(p, s)| KitPizza {
        pizza: p.into(),
        size: s.into(),
        ..Default::default()
    })
    .collect();
    db.create_many(&mut rows).await.step("create_many")?;
    let q = db.model::<KitPizza>();
    // G32: Where(Where(a).Where(Where(b).Or(c))).Or(Where(d).Where(e)).
    let found = q
        .clone()
        .where_group(
            q.clone().filter("pizza = ?", ("pepperoni",)).where_group(
                q.clone()
                    .filter("size = ?", ("small",))
                    .or("size = ?", ("medium",)),
            ),
        )
        .or_group(
            q.clone()
                .filter("pizza = ?", ("hawaiian",))
                .filter("size = ?", ("xlarge",)),
        )
        .find()
        .await
        .step("grouped conditions")?;
    ensure_eq!(
        pizzas(&found),
        ["hawaiian/xlarge", "pepperoni/medium", "pepperoni/small"],
        "nested AND / OR groups"
    );
    let rest = q
        .clone()
        .not_group(
            q.clone()
                .filter("size = ?", ("small",))
                .or("size = ?", ("medium",)),
        )
        .find()
        .await
        .step("NOT of a group")?;
    ensure_eq!(
        pizzas(&rest),
        ["hawaiian/xlarge", "pepperoni/large"],
        "NOT of a group is its complement"
    );
    let all = q
        .clone()
        .where_group(q.clone())
        .or_group(q.clone())
        .count()
        .await
        .step("empty groups")?;
    ensure_eq!(all, 5, "empty groups add nothing");
    let not = q
        .clone()
        .not("pizza = ?", ("pepperoni",))
        .find()
        .await
        .step("not")?;
    ensure_eq!(
        pizzas(&not),
        ["hawaiian/small", "hawaiian/xlarge"],
        "not(...)"
    );
    Ok(())
}

pub(crate) async fn lists_structs_maps_and_nulls(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 6).await?;
    let q = db.model::<KitProduct>();
    let pairs = vec![
        vec![Value::from("b1"), Value::from(10)],
        vec![Value::from("b2"), Value::from(99)],
        vec![Value::from("b3"), Value::from(30)],
    ];
    let found = q
        .clone()
        .filter_in_columns(&["code", "price"], pairs)?
        .find()
        .await
        .step("IN over two columns")?;
    ensure_eq!(codes(&found), ["b1", "b3"], "(code, price) IN rows");
    let list = Expr::List(vec![Expr::value("b4"), Expr::value("b5"), Expr::value("zz")].into());
    let found = q
        .clone()
        .filter("code IN ?", (list,))
        .find()
        .await
        .step("IN a list")?;
    ensure_eq!(codes(&found), ["b4", "b5"], "code IN ?");
    let found = q
        .clone()
        .not_struct(&KitProduct {
            code: "b2".into(),
            price: 30,
            ..Default::default()
        })
        .find()
        .await
        .step("NOT with a struct")?;
    ensure_eq!(codes(&found), ["b0", "b1", "b4", "b5"], "not_struct");
    let found = q
        .clone()
        .not_in("code", [Value::from("b0"), Value::from("b5")])?
        .find()
        .await
        .step("NOT IN")?;
    ensure_eq!(codes(&found), ["b1", "b2", "b3", "b4"], "not_in");
    ensure_eq!(
        q.clone()
            .not_in("code", [])?
            .count()
            .await
            .step("NOT IN ()")?,
        6,
        "NOT IN an empty list matches everything"
    );
    let found = q
        .clone()
        .filter("code = ?", ("b1",))
        .or_struct(&KitProduct {
            code: "b5".into(),
            price: 50,
            ..Default::default()
        })
        .find()
        .await
        .step("OR with a struct")?;
    ensure_eq!(codes(&found), ["b1", "b5"], "or_struct");
    let found = q
        .clone()
        .filter_struct(&KitProduct {
            price: 20,
            ..Default::default()
        })
        .find()
        .await
        .step("filter_struct")?;
    ensure_eq!(codes(&found), ["b2"], "filter_struct uses non-zero fields");
    let found = q
        .clone()
        .filter("code LIKE ?", ("b%",))
        .filter("price BETWEEN ? AND ?", (10, 30))
        .find()
        .await
        .step("LIKE and BETWEEN")?;
    ensure_eq!(codes(&found), ["b1", "b2", "b3"], "LIKE and BETWEEN");

    db.auto_migrate::<KitPizza>()
        .await
        .step("auto_migrate kit_pizzas")?;
    let mut rows = vec![
        KitPizza {
            pizza: "a".into(),
            rating: Some(3),
            ..Default::default()
        },
        KitPizza {
            pizza: "b".into(),
            rating: None,
            ..Default::default()
        },
    ];
    db.create_many(&mut rows).await.step("create_many")?;
    let unrated = db
        .model::<KitPizza>()
        .filter("rating IS NULL", ())
        .find()
        .await
        .step("IS NULL")?;
    ensure_eq!(pizzas(&unrated), ["b/"], "IS NULL");
    let rated = db
        .model::<KitPizza>()
        .filter_map([("rating", Value::Null)])?
        .count()
        .await
        .step("map with NULL")?;
    ensure_eq!(rated, 1, "a NULL in a map condition is IS NULL");
    Ok(())
}

pub(crate) async fn order_limit_offset(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    seeded(&db, 6).await?;
    let q = db.model::<KitProduct>();
    let page = q
        .clone()
        .order("price desc")
        .limit(2)
        .offset(1)
        .find()
        .await
        .step("limit / offset")?;
    ensure_eq!(
        page.iter().map(|p| p.price).collect::<Vec<_>>(),
        vec![40, 30],
        "ORDER BY price DESC LIMIT 2 OFFSET 1"
    );
    let tail = q
        .clone()
        .order("id")
        .offset(4)
        .find()
        .await
        .step("offset without limit")?;
    ensure_eq!(codes(&tail), ["b4", "b5"], "OFFSET without LIMIT");
    let none = q.clone().limit(0).find().await.step("LIMIT 0")?;
    ensure!(
        none.is_empty(),
        "LIMIT 0 returns no rows, got {}",
        none.len()
    );
    let selected = q
        .clone()
        .select(&["code"])
        .order("code desc")
        .limit(1)
        .find()
        .await
        .step("select")?;
    ensure_eq!(
        (selected[0].code.as_str(), selected[0].price),
        ("b5", 0),
        "select(code) reads only code"
    );
    Ok(())
}

pub(crate) async fn count_distinct_and_group(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    let rows = seeded(&db, 6).await?;
    // Two rows share price 20 (five distinct prices).
    db.model::<KitProduct>()
        .id(rows[0].id)
        .update_column("price", 20)
        .await
        .step("update_column")?;
    let q = db.model::<KitProduct>();
    ensure_eq!(
        q.clone()
            .select(&["code"])
            .count()
            .await
            .step("COUNT(code)")?,
        6,
        "COUNT(column)"
    );
    ensure_eq!(
        q.clone()
            .distinct()
            .select(&["price"])
            .count()
            .await
            .step("COUNT(DISTINCT)")?,
        5,
        "COUNT(DISTINCT price)"
    );
    ensure_eq!(
        q.clone()
            .group("price")
            .count()
            .await
            .step("GROUP BY count")?,
        5,
        "count() of groups"
    );
    ensure_eq!(
        q.clone()
            .filter("price > ?", (20,))
            .group("price")
            .count()
            .await
            .step("filtered GROUP BY count")?,
        3,
        "count() of filtered groups"
    );
    let mut prices: Vec<i64> = q
        .clone()
        .distinct()
        .pluck("price")
        .await
        .step("distinct pluck")?;
    prices.sort();
    ensure_eq!(prices, vec![10, 20, 30, 40, 50], "distinct pluck");
    let groups: Vec<i64> = q
        .clone()
        .select(&["price"])
        .group("price")
        .having("count(*) > ?", (1,))
        .pluck("price")
        .await
        .step("HAVING")?;
    ensure_eq!(groups, vec![20], "GROUP BY … HAVING count(*) > 1");
    Ok(())
}
