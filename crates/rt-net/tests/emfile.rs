//! fd exhaustion: `accept` hitting EMFILE returns the error at once (no
//! busy loop inside the runtime) and works again once fds are free. Runs in
//! a child process (this test binary re-executed) with a lowered
//! `RLIMIT_NOFILE`.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use rt_net::{TcpListener, TcpStream};
use support::Rt;

const CHILD_ENV: &str = "RT_NET_EMFILE_CHILD";
const TEST_NAME: &str = "accept_reports_emfile_and_recovers";

fn count_fds() -> u64 {
    std::fs::read_dir("/proc/self/fd").unwrap().count() as u64
}

fn set_nofile(limit: u64) {
    let rl = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: a valid pointer to an initialized rlimit.
    let r = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &rl) };
    assert_eq!(r, 0, "setrlimit: {}", std::io::Error::last_os_error());
}

#[test]
fn accept_reports_emfile_and_recovers() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["--exact", TEST_NAME, "--test-threads=1", "--nocapture"])
        .env(CHILD_ENV, "1")
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the child failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child hung (accept busy-looped or never returned)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn child() {
    let rt = Rt::new();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // One connection works normally.
        let c = TcpStream::connect(addr).await.unwrap();
        drop(listener.accept().await.unwrap());
        drop(c);

        set_nofile(count_fds() + 8);
        // Use up the remaining fds with clients waiting in the backlog.
        let mut clients = Vec::new();
        for _ in 0..64 {
            match std::net::TcpStream::connect(addr) {
                Ok(c) => clients.push(c),
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "{e}");
                    break;
                }
            }
        }
        assert!(clients.len() >= 2, "too few fds to test with");

        // accept fails at once with EMFILE, every time it is asked.
        for _ in 0..3 {
            let start = Instant::now();
            let err = listener.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
            assert!(start.elapsed() < Duration::from_secs(5));
        }
        let err = std::future::poll_fn(|cx| listener.poll_accept(cx))
            .await
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE));

        // Free some fds: the pending connections are accepted again.
        let keep = clients.len() - 2;
        let freed: Vec<_> = clients.drain(keep..).collect();
        drop(freed);
        let (s, peer) = listener.accept().await.unwrap();
        assert!(clients.iter().any(|c| c.local_addr().unwrap() == peer));
        drop(s);
        let (s, _) = listener.accept().await.unwrap();
        drop(s);
    });
    rt.shutdown();
}
