//! Command and Child behaviour on both runtime flavors.

mod support;

use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_process::{ChildStdout, Command};
use support::{bounded, flavors};

fn on_each_flavor<F, Fut>(f: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for (name, rt) in flavors() {
        eprintln!("flavor {name}");
        rt.block_on(f());
    }
}

#[test]
fn exit_codes_and_signals_in_exit_status() {
    on_each_flavor(|| async {
        let s = bounded("true", Command::new("true").status())
            .await
            .unwrap();
        assert!(s.success());
        assert_eq!(s.code(), Some(0));
        let s = bounded("exit 3", Command::new("sh").args(["-c", "exit 3"]).status())
            .await
            .unwrap();
        assert_eq!(s.code(), Some(3));
        assert!(!s.success());
        let s = bounded(
            "self-kill",
            Command::new("sh").args(["-c", "kill -TERM $$"]).status(),
        )
        .await
        .unwrap();
        assert_eq!(s.code(), None);
        assert_eq!(s.signal(), Some(libc::SIGTERM));
    });
}

#[test]
fn missing_program_is_not_found() {
    on_each_flavor(|| async {
        let err = Command::new("rt-process-no-such-program-x7")
            .spawn()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let err = Command::new("/nonexistent/dir/prog")
            .output()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    });
}

#[test]
fn output_captures_stdout_stderr_and_status() {
    on_each_flavor(|| async {
        let out = bounded(
            "output",
            Command::new("sh")
                .args(["-c", "echo out; echo err >&2; read x || echo eof; exit 2"])
                .output(),
        )
        .await
        .unwrap();
        assert_eq!(out.status.code(), Some(2));
        // stdin defaults to null for `output`.
        assert_eq!(out.stdout, b"out\neof\n");
        assert_eq!(out.stderr, b"err\n");
        // An explicit setting is kept.
        let out = Command::new("sh")
            .args(["-c", "echo hidden"])
            .stdout(Stdio::null())
            .output()
            .await
            .unwrap();
        assert!(out.status.success());
        assert!(out.stdout.is_empty());
    });
}

#[test]
fn env_dir_arg0_and_clear() {
    on_each_flavor(|| async {
        let dir = std::env::temp_dir().canonicalize().unwrap();
        let out = Command::new("sh")
            .args(["-c", "echo \"$A:$B:${C-unset}\"; pwd"])
            .env("A", "1")
            .envs([("B", "2"), ("C", "3")])
            .env_remove("C")
            .current_dir(&dir)
            .output()
            .await
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text, format!("1:2:unset\n{}\n", dir.display()));

        let out = Command::new("/usr/bin/env")
            .env_clear()
            .env("ONLY", "x")
            .output()
            .await
            .unwrap();
        assert_eq!(out.stdout, b"ONLY=x\n");

        let out = Command::new("sh")
            .arg0("renamed")
            .args(["-c", "echo $0"])
            .output()
            .await
            .unwrap();
        assert_eq!(out.stdout, b"renamed\n");
    });
}

#[test]
fn process_group_uid_gid_and_pre_exec() {
    on_each_flavor(|| async {
        // In a new group, the child's pgid is its pid (field 5 of stat).
        let mut child = Command::new("sh")
            .args(["-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"])
            .process_group(0)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut text = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .await
            .unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0], lines[1]);
        assert!(child.wait().await.unwrap().success());

        // Our own ids are always allowed.
        // SAFETY: getuid/getgid cannot fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let s = Command::new("true")
            .uid(uid)
            .gid(gid)
            .status()
            .await
            .unwrap();
        assert!(s.success());

        // A failing pre_exec hook fails the spawn with its error.
        let mut cmd = Command::new("true");
        // SAFETY: the closure only builds an error (no allocation: a raw
        // OS error is a plain integer).
        unsafe {
            cmd.pre_exec(|| Err(std::io::Error::from_raw_os_error(libc::EPERM)));
        }
        let err = cmd.spawn().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EPERM));
    });
}

/// 64 MiB through `cat`: a writer task and a reader compare every byte.
#[test]
fn pipe_64_mib_through_cat() {
    const LEN: usize = 64 << 20;
    fn byte(i: usize) -> u8 {
        (i.wrapping_mul(31) ^ (i >> 13)) as u8
    }
    on_each_flavor(|| async {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let writer = rt::spawn(async move {
            let chunk: Vec<u8> = (0..1 << 20).map(byte).collect();
            for _ in 0..LEN >> 20 {
                stdin.write_all(&chunk).await.unwrap();
            }
            // Dropping stdin closes the pipe: cat sees EOF.
        });
        let mut buf = vec![0u8; 256 << 10];
        let mut seen = 0usize;
        let read = async {
            loop {
                let n = stdout.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                for (k, b) in buf[..n].iter().enumerate() {
                    let i = seen + k;
                    assert_eq!(*b, byte(i % (1 << 20)), "byte {i}");
                }
                seen += n;
            }
        };
        bounded("reading cat's output", read).await;
        assert_eq!(seen, LEN);
        writer.await.unwrap();
        assert!(child.wait().await.unwrap().success());
    });
}

#[test]
fn kill_try_wait_and_id() {
    on_each_flavor(|| async {
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        let pid = child.id().unwrap();
        assert!(child.try_wait().unwrap().is_none());
        bounded("kill", child.kill()).await.unwrap();
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        assert_eq!(child.try_wait().unwrap(), Some(status));
        assert_eq!(child.id(), None);
        assert!(!support::exists(pid), "a killed child was not reaped");
        assert_eq!(
            child.start_kill().unwrap_err().kind(),
            ErrorKind::InvalidInput
        );

        // start_kill, then a later wait.
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        child.start_kill().unwrap();
        let status = bounded("wait", child.wait()).await.unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
    });
}

#[test]
fn kill_on_drop_kills_and_reaps() {
    on_each_flavor(|| async {
        let mut cmd = Command::new("sleep");
        cmd.arg("1000").kill_on_drop(true);
        assert!(cmd.get_kill_on_drop());
        let child = cmd.spawn().unwrap();
        let pid = child.id().unwrap();
        drop(child);
        support::wait_gone(pid);
    });
}

#[test]
fn dropped_child_keeps_running_and_is_reaped_after_exit() {
    on_each_flavor(|| async {
        let child = Command::new("sleep").arg("1000").spawn().unwrap();
        let pid = child.id().unwrap();
        drop(child);
        assert!(support::exists(pid));
        // SAFETY: kill(2) on a child that has not been reaped (it is in
        // the orphan queue), so the pid is still ours.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) }, 0);
        support::wait_gone(pid);
    });
}

#[test]
fn wait_with_output_and_stdin() {
    on_each_flavor(|| async {
        let mut child = Command::new("sh")
            .args(["-c", "tr a-z A-Z; echo done >&2"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"hello").await.unwrap();
        drop(stdin);
        let out = bounded("wait_with_output", child.wait_with_output())
            .await
            .unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"HELLO");
        assert_eq!(out.stderr, b"done\n");

        // wait() closes stdin, so `cat` ends.
        let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
        assert!(bounded("wait", child.wait()).await.unwrap().success());
    });
}

#[test]
fn stdio_conversions() {
    on_each_flavor(|| async {
        // One child's stdout becomes the next one's stdin.
        let mut first = Command::new("echo")
            .arg("piped along")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout: Stdio = first.stdout.take().unwrap().try_into().unwrap();
        let out = Command::new("tr")
            .args(["a-z", "A-Z"])
            .stdin(stdout)
            .output()
            .await
            .unwrap();
        assert_eq!(out.stdout, b"PIPED ALONG\n");
        assert!(first.wait().await.unwrap().success());

        // from_std / into_owned_fd round trip.
        let mut std_child = std::process::Command::new("echo")
            .arg("std")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = ChildStdout::from_std(std_child.stdout.take().unwrap()).unwrap();
        let mut text = String::new();
        out.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "std\n");
        let fd = out.into_owned_fd().unwrap();
        let mut file = std::fs::File::from(fd);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut file, &mut rest).unwrap();
        assert!(rest.is_empty());
        assert!(std_child.wait().unwrap().success());
    });
}

#[test]
fn from_std_command() {
    on_each_flavor(|| async {
        let mut std_cmd = std::process::Command::new("sh");
        std_cmd.args(["-c", "exit 7"]);
        let mut cmd = Command::from(std_cmd);
        assert_eq!(cmd.as_std().get_program(), "sh");
        cmd.as_std_mut().env("X", "y");
        assert_eq!(cmd.status().await.unwrap().code(), Some(7));
        let std_cmd = cmd.into_std();
        assert_eq!(std_cmd.get_args().count(), 2);
    });
}

/// With no rt runtime at all: the global reactor serves pipes and exits.
#[test]
fn works_under_another_executor() {
    let out = futures::executor::block_on(Command::new("echo").arg("hi").output()).unwrap();
    assert_eq!(out.stdout, b"hi\n");
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    futures::executor::block_on(child.kill()).unwrap();
}

/// A dropped `wait` future loses nothing: a later wait still gets the
/// status.
#[test]
fn wait_is_cancel_safe() {
    on_each_flavor(|| async {
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        let early = rt::time::timeout(std::time::Duration::from_millis(20), child.wait()).await;
        assert!(early.is_err(), "sleep 1000 exited early");
        child.start_kill().unwrap();
        let status = bounded("wait", child.wait()).await.unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
    });
}

/// Where the kernel has pidfds, a live child is watched through one.
#[test]
fn exits_are_watched_through_a_pidfd() {
    fn pidfds() -> usize {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .flatten()
            .filter(|e| {
                std::fs::read_link(e.path())
                    .map(|l| l.to_string_lossy().contains("pidfd"))
                    .unwrap_or(false)
            })
            .count()
    }
    // SAFETY: pidfd_open on our own pid; the fd is closed right away.
    let probe = unsafe { libc::syscall(libc::SYS_pidfd_open, libc::getpid(), 0) };
    if probe < 0 {
        eprintln!("no pidfd support here: the SIGCHLD path is used (tests/sigchld.rs)");
        return;
    }
    // SAFETY: `probe` is an fd we own.
    unsafe { libc::close(probe as libc::c_int) };
    on_each_flavor(|| async {
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        assert!(pidfds() >= 1);
        child.kill().await.unwrap();
    });
}

/// The public types and futures are `Send + Sync` / `Send`, as Tokio's.
#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Command>();
    send_sync::<rt_process::Child>();
    send_sync::<rt_process::ChildStdin>();
    send_sync::<ChildStdout>();
    send_sync::<rt_process::ChildStderr>();
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut child = Command::new("true").spawn().unwrap();
        send(&child.wait());
        let status = Command::new("true").status();
        send(&status);
        assert!(status.await.unwrap().success());
        let output = Command::new("true").output();
        send(&output);
        output.await.unwrap();
        send(&child.wait_with_output());
    });
}
