#[rt::main(flavor = "current_thread")]
async fn main() -> Result<(), std::io::Error> {
    let value = 1 + 1;
    value
}
