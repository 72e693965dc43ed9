use plugorm::Model;

#[derive(Model)]
enum Status {
    Draft,
    Published,
}

#[derive(Model, Default)]
struct Pair(i64, String);

fn main() {}
