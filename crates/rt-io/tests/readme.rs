//! The README example, kept compiling and correct.

use rt_io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

async fn demo() -> std::io::Result<Vec<String>> {
    let (mut client, server) = rt_io::duplex(64); // an in-memory socket pair
    client.write_all(b"hello\nworld\n").await?;
    client.shutdown().await?; // the server side reads EOF after the data
    let mut lines = BufReader::new(server).lines();
    let mut got = Vec::new();
    while let Some(line) = lines.next_line().await? {
        got.push(line);
    }
    Ok(got) // ["hello", "world"]
}

#[test]
fn readme_example() {
    let got = futures::executor::block_on(demo()).unwrap();
    assert_eq!(got, ["hello", "world"]);
}
