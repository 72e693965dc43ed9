use plugorm::Model;

#[derive(Model, Default)]
struct Product {
    id: i64,
    #[orm(size = "big")]
    code: String,
    #[orm(column = 7)]
    price: i64,
    #[orm(unique = true)]
    sku: String,
    #[orm(auto_create_time = "hourly")]
    made: i64,
}

fn main() {}
