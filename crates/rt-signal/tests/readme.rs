//! The README example, kept compiling and correct.

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use rt_signal::unix::{signal, SignalKind};

/// Waits for SIGTERM, SIGHUP or Ctrl-C and says which came first.
async fn wait_for_signal() -> std::io::Result<&'static str> {
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(rt::select! {
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
        r = rt_signal::ctrl_c() => { r?; "SIGINT" }
    })
}

#[test]
fn readme_example() {
    for (_, rt) in support::flavors() {
        rt.block_on(async {
            let mut fut = pin!(wait_for_signal());
            // The first poll creates every listener.
            let first = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
            assert!(first.is_pending());
            support::raise(libc::SIGHUP);
            assert_eq!(support::bounded("readme", fut).await.unwrap(), "SIGHUP");
        });
    }
}
