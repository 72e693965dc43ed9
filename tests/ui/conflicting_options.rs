use plugorm::Model;

#[derive(Model, Default)]
struct Account {
    id: i64,
    #[orm(readonly, create_only)]
    score: i64,
    #[orm(ignore, index)]
    cache: String,
    #[orm(column = "mail")]
    email: String,
    #[orm(column = "mail")]
    backup_email: String,
    #[orm(serializer = "json", auto_update_time)]
    touched: Vec<String>,
    #[orm(serializer = "json", embedded)]
    nested: Vec<String>,
}

fn main() {}
