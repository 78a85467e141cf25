//! The README example, kept compiling and correct.

mod support;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_process::Command;
use std::process::Stdio;

async fn shout(text: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut child = Command::new("tr")
        .args(["a-z", "A-Z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(text).await?;
    drop(stdin); // EOF
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).await?;
    child.wait().await?;
    Ok(out)
}

#[test]
fn readme_example() {
    for (_, rt) in support::flavors() {
        let out = rt
            .block_on(support::bounded("shout", shout(b"hello")))
            .unwrap();
        assert_eq!(out, b"HELLO");
    }
}
