#[rt::main(worker_threads = "4", crate = 5)]
async fn main() {}

#[rt::main(flavor = "current_thread", start_paused = 1)]
async fn other() {}
