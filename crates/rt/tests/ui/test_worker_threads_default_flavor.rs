#[rt::test(worker_threads = 4)]
async fn default_flavor_is_current_thread() {}

fn main() {}
