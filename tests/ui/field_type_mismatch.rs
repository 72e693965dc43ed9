use plugorm::Model;

#[derive(Model, Default)]
struct Clock {
    id: i64,
    #[orm(auto_create_time = "milli")]
    born: chrono::NaiveDateTime,
    #[orm(soft_delete)]
    deleted_at: chrono::NaiveDateTime,
}

fn main() {}
