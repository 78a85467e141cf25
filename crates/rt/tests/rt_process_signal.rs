//! Processes and signals through the facade, on both flavors.
#![cfg(all(
    feature = "process",
    feature = "signal",
    feature = "macros",
    feature = "io-util",
    feature = "rt-multi-thread"
))]

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::process::Command;
use rt::signal::unix::{signal, SignalKind};

async fn pipe_through_cat() {
    let mut child = Command::new("cat")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawning cat");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let expected = data.clone();
    let writer = rt::spawn(async move {
        stdin.write_all(&data).await.unwrap();
    });
    let mut out = Vec::new();
    stdout.read_to_end(&mut out).await.unwrap();
    writer.await.unwrap();
    assert_eq!(out, expected);
    assert!(child.wait().await.unwrap().success());
    let st = Command::new("sh")
        .args(["-c", "exit 3"])
        .status()
        .await
        .unwrap();
    assert_eq!(st.code(), Some(3));
    let e = Command::new("/definitely/not/here").spawn().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn process_current_thread() {
    pipe_through_cat().await;
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_multi_thread() {
    pipe_through_cat().await;
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn signal_reaches_every_listener() {
    let mut a = signal(SignalKind::user_defined2()).unwrap();
    let mut b = signal(SignalKind::user_defined2()).unwrap();
    // SAFETY: raising SIGUSR2 in this process; a handler is installed above.
    unsafe { libc::raise(libc::SIGUSR2) };
    let both = async { (a.recv().await, b.recv().await) };
    let r = rt::time::timeout(std::time::Duration::from_secs(10), both).await;
    assert_eq!(r.expect("signal not delivered"), (Some(()), Some(())));
    assert!(
        signal(SignalKind::from_raw(9)).is_err(),
        "SIGKILL cannot be handled"
    );
}
