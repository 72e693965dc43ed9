use plugorm::Model;

#[derive(Model, Default)]
struct Note {
    id: i64,
    #[orm(soft_delete = "flag", soft_delete_at = "removed")]
    is_del: u8,
    #[orm(soft_delete)]
    deleted_at: Option<chrono::NaiveDateTime>,
}

fn main() {}
