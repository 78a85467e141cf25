//! `stdin`/`stdout`/`stderr` (feature `io-std`), exercised through a child
//! process (this test binary re-executed) with piped standard streams:
//! once with no runtime (helper threads) and once on a blocking pool.
#![cfg(feature = "io-std")]

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use rt_io::{AsyncReadExt, AsyncWriteExt};

const CHILD_ENV: &str = "RT_IO_STDIO_CHILD";

async fn echo_upper() -> std::io::Result<()> {
    let mut input = Vec::new();
    rt_io::stdin().read_to_end(&mut input).await?;
    let mut out = rt_io::stdout();
    out.write_all(b"<<BEGIN>>").await?;
    // Many small writes: each waits for the previous one.
    for chunk in input.to_ascii_uppercase().chunks(3) {
        out.write_all(chunk).await?;
    }
    out.write_all(b"<<END>>").await?;
    out.flush().await?;
    let mut err = rt_io::stderr();
    err.write_all(b"<<ERR>>").await?;
    err.shutdown().await?;
    Ok(())
}

fn child(mode: &str) {
    match mode {
        "thread" => futures::executor::block_on(echo_upper()).unwrap(),
        "pool" => {
            let pool = rt_blocking::BlockingPool::new(rt_blocking::Config::default());
            let spawner = pool.spawner();
            let handles = rt_task::context::Handles::default().with_driver(
                rt_task::context::Driver::Blocking,
                spawner.to_context_handle(),
            );
            let _g = rt_task::context::enter(handles);
            futures::executor::block_on(echo_upper()).unwrap();
            assert!(spawner.num_blocking_threads() >= 1, "the pool was not used");
        }
        other => panic!("unknown mode {other}"),
    }
}

fn run_child(mode: &str) {
    let exe = std::env::current_exe().unwrap();
    let mut c = Command::new(exe)
        .args([
            "--exact",
            "stdio_round_trip",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = c.stdin.take().unwrap();
    stdin.write_all(b"hello, standard streams\n").unwrap();
    drop(stdin);
    let mut stdout = c.stdout.take().unwrap();
    let mut stderr = c.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let mut err = String::new();
        stdout.read_to_string(&mut out).unwrap();
        stderr.read_to_string(&mut err).unwrap();
        tx.send((out, err)).unwrap();
    });
    let (out, err) = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(v) => v,
        Err(_) => {
            let _ = c.kill();
            panic!("the {mode} child hung");
        }
    };
    let status = c.wait().unwrap();
    assert!(status.success(), "{mode} child failed: {err}");
    let body = out
        .split("<<BEGIN>>")
        .nth(1)
        .and_then(|s| s.split("<<END>>").next())
        .unwrap_or_else(|| panic!("no output from the {mode} child: {out}"));
    assert_eq!(body, "HELLO, STANDARD STREAMS\n");
    assert!(err.contains("<<ERR>>"), "{err}");
}

#[test]
fn stdio_round_trip() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        child(&mode);
        return;
    }
    run_child("thread");
    run_child("pool");
}

#[test]
fn stdio_handles_expose_their_fds() {
    use std::os::unix::io::AsRawFd;
    assert_eq!(rt_io::stdin().as_raw_fd(), 0);
    assert_eq!(rt_io::stdout().as_raw_fd(), 1);
    assert_eq!(rt_io::stderr().as_raw_fd(), 2);
    assert!(format!("{:?}", rt_io::stdout()).contains("Stdout"));
}
