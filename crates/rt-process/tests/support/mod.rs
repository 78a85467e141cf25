//! Shared test helpers: both runtime flavors, bounded waits (shared with
//! rt-signal's tests), and process checks.
#![allow(dead_code)]

#[path = "../../../rt-signal/tests/support/mod.rs"]
mod signal_support;

pub use signal_support::*;

use std::time::Duration;

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
