//! Shared test helpers: both runtime flavors, bounded waits.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

/// Generous bound for anything that should happen "soon".
pub const LONG: Duration = Duration::from_secs(20);

/// A current-thread and a multi-thread runtime (named, for messages).
pub fn flavors() -> Vec<(&'static str, rt::runtime::Runtime)> {
    vec![
        (
            "current_thread",
            rt::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        ),
        (
            "multi_thread",
            rt::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        ),
    ]
}

/// Awaits `f` for at most [`LONG`], panicking with `what` otherwise.
pub async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    match rt::time::timeout(LONG, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// Sends `signum` to this process.
pub fn raise(signum: libc::c_int) {
    // SAFETY: raise(3) has no memory-safety preconditions; every caller
    // installed a handler for `signum` first (through `signal`).
    let r = unsafe { libc::raise(signum) };
    assert_eq!(r, 0, "raise({signum}) failed");
}

/// Whether `pid` still exists (as a process or a zombie).
pub fn exists(pid: u32) -> bool {
    // SAFETY: kill(2) with signal 0 only checks for existence.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Waits (bounded by [`LONG`]) until `pid` is gone, i.e. reaped.
pub fn wait_gone(pid: u32) {
    let deadline = std::time::Instant::now() + LONG;
    while exists(pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "pid {pid} never went away"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Zombie children of this process, from /proc/*/stat.
pub fn zombie_children() -> Vec<u32> {
    let me = std::process::id();
    let mut zombies = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        // The process may be gone by now.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses.
        let Some(end) = stat.rfind(')') else { continue };
        let mut rest = stat[end + 1..].split_whitespace();
        let state = rest.next();
        let ppid = rest.next().and_then(|p| p.parse::<u32>().ok());
        if state == Some("Z") && ppid == Some(me) {
            zombies.push(pid);
        }
    }
    zombies
}
