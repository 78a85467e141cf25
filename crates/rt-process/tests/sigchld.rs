//! The SIGCHLD fallback (used where the kernel has no pidfds), forced on
//! for this whole test binary: waits, kills, output, and a storm of
//! children with half of them dropped.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use rt_io::AsyncWriteExt;
use rt_process::Command;
use support::{bounded, flavors, zombie_children, LONG};

fn force() {
    rt_process::__set_pidfd_enabled(false);
}

#[test]
fn sigchld_path_waits_kills_and_reaps() {
    force();
    for (_, rt) in flavors() {
        rt.block_on(async {
            let s = bounded("exit 4", Command::new("sh").args(["-c", "exit 4"]).status())
                .await
                .unwrap();
            assert_eq!(s.code(), Some(4));

            let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
            bounded("kill", child.kill()).await.unwrap();
            assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));

            let mut child = Command::new("cat")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(b"through sigchld").await.unwrap();
            drop(stdin);
            let out = bounded("output", child.wait_with_output()).await.unwrap();
            assert_eq!(out.stdout, b"through sigchld");

            let child = Command::new("sleep")
                .arg("1000")
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let pid = child.id().unwrap();
            drop(child);
            support::wait_gone(pid);
        });
    }
}

#[test]
fn sigchld_path_storm_leaves_no_zombies() {
    force();
    for (_, rt) in flavors() {
        rt.block_on(async {
            let mut set = rt::task::JoinSet::new();
            for i in 0..200 {
                if set.len() >= 32 {
                    set.join_next().await.unwrap().unwrap();
                }
                set.spawn(async move {
                    let mut child = Command::new("true").spawn().unwrap();
                    if i % 2 == 1 {
                        let s = bounded("wait", child.wait()).await.unwrap();
                        assert!(s.success());
                    }
                });
            }
            while let Some(r) = set.join_next().await {
                r.unwrap();
            }
        });
    }
    let deadline = Instant::now() + LONG;
    while !zombie_children().is_empty() {
        assert!(Instant::now() < deadline, "zombies left");
        std::thread::sleep(Duration::from_millis(10));
    }
}
