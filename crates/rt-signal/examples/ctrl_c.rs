//! Waits for Ctrl-C (`SIGINT`).
//!
//! ```text
//! cargo run -p rt-signal --example ctrl_c          # press Ctrl-C
//! cargo run -p rt-signal --example ctrl_c -- 0.5   # sends itself SIGINT after 0.5 s
//! ```

use std::time::Duration;

#[rt::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let after: Option<f64> = std::env::args().nth(1).map(|s| {
        s.parse()
            .expect("the argument is a timeout in seconds, e.g. 0.5")
    });
    // The first poll of `ctrl_c` (below, before this task runs) installs
    // the handler; the timer task only fires afterwards.
    if let Some(secs) = after {
        rt::spawn(async move {
            rt::time::sleep(Duration::from_secs_f64(secs)).await;
            // SAFETY: kill(2) on our own pid; SIGINT is handled by then.
            unsafe { libc::kill(libc::getpid(), libc::SIGINT) };
        });
        println!("waiting for ctrl-c (sent to ourselves in {secs} s)");
    } else {
        println!("waiting for ctrl-c");
    }
    rt_signal::ctrl_c().await?;
    println!("received ctrl-c");
    Ok(())
}
