//! `ctrl_c` completes on `SIGINT` (raised by the test itself), on both
//! flavors; and the `ctrl_c` example terminates on its own.

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

#[test]
fn ctrl_c_completes_on_sigint() {
    for (_, rt) in support::flavors() {
        rt.block_on(async {
            let mut fut = pin!(rt_signal::ctrl_c());
            // The first poll installs the handler and the listener.
            let first = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
            assert!(first.is_pending());
            support::raise(libc::SIGINT);
            support::bounded("ctrl_c", fut).await.unwrap();
        });
    }
}

#[test]
fn example_exits_after_its_timeout() {
    // target/<profile>/deps/ctrl_c-HASH -> target/<profile>/examples/ctrl_c
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/ctrl_c");
    if !example.exists() {
        eprintln!(
            "example not built ({}); run `cargo test -p rt-signal`",
            example.display()
        );
        return;
    }
    let mut child = std::process::Command::new(&example)
        .arg("0.1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + support::LONG;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the example did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(status.success(), "{status}");
    assert!(out.contains("received ctrl-c"), "{out}");
}
