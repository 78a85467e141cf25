#[rt::main]
async fn main() {}
