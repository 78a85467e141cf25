#[rt::test(flavor = "multi_thread")]
async fn needs_workers() {}

fn main() {}
