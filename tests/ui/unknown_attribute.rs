use plugorm::Model;

#[derive(Model, Default)]
#[orm(tabel = "people")]
struct Person {
    id: i64,
    #[orm(colum = "full_name")]
    name: String,
    #[orm(index(name = "idx_age", order = 1))]
    age: i32,
}

fn main() {}
