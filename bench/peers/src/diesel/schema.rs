//! The two tables as Diesel's `table!` declares them (what `diesel print-schema` writes).

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Varchar,
        email -> Nullable<Varchar>,
        age -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        user_id -> BigInt,
        title -> Varchar,
        body -> Text,
    }
}

diesel::joinable!(posts -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts);
