#[rt::test]
async fn with_arguments(input: u32) {
    let _ = input;
}

fn main() {}
