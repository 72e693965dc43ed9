use plugorm::Model;

#[derive(Model, Default)]
struct Event {
    id: i64,
    #[orm(index(sort = "sideways"))]
    at: i64,
    #[orm(index = "idx_kind_room")]
    kind: String,
    #[orm(unique_index = "idx_kind_room")]
    room: String,
}

fn main() {}
