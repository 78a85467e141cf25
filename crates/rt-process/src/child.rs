//! `Child`: a spawned process, waited for through the reactor.
//!
//! # Waiting
//!
//! Where the kernel offers pidfds (Linux 5.3+), the child's pidfd is
//! registered with the reactor of the runtime that spawned it; it turns
//! readable when the child exits, and `waitpid(WNOHANG)` then reaps it.
//! Otherwise a `SIGCHLD` listener (rt-signal) created at spawn stands in:
//! every `SIGCHLD` wakes the waiter, which tries `waitpid(WNOHANG)` again.
//!
//! A poll of `wait` always tries `waitpid(WNOHANG)` *before* parking on
//! the pidfd or listener, and the pidfd or listener exists before that
//! first try, so an exit between the try and the park still produces the
//! event that wakes the waiter.
//!
//! # Dropping
//!
//! A `Child` dropped before it was reaped is killed first if
//! `kill_on_drop` was set, and then handed to the orphan queue
//! (`orphan.rs`), which reaps it in the background.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::pin;
use std::process::{ExitStatus, Output};
use std::task::{ready, Context, Poll};

use rt_io::{AsyncRead, AsyncReadExt};
use rt_reactor::{Handle, Interest, PollEvented};
use rt_signal::unix::{Signal, SignalKind};

use crate::orphan;
use crate::pidfd::Pidfd;
use crate::stdio::{ChildStderr, ChildStdin, ChildStdout};

/// How exits are noticed.
enum Reaper {
    Pidfd(PollEvented<Pidfd>),
    Sigchld(Signal),
    /// Reaped: nothing to wait for.
    Done,
}

/// The process part of a [`Child`] (everything but the stdio handles).
pub(crate) struct Process {
    /// `None` once handed to the orphan queue (only in `drop`).
    std: Option<std::process::Child>,
    status: Option<ExitStatus>,
    reaper: Reaper,
    kill_on_drop: bool,
}

fn exited_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "invalid argument: can't kill an exited process",
    )
}

impl Process {
    /// Watches `std` (just spawned) through `handle`'s reactor.
    pub(crate) fn new(
        std: std::process::Child,
        handle: &Handle,
        kill_on_drop: bool,
    ) -> io::Result<Process> {
        let mut process = Process {
            std: Some(std),
            status: None,
            reaper: Reaper::Done,
            // The caller never gets a `Child` if this fails: dropping
            // `process` then kills the child and reaps it in the background.
            kill_on_drop: true,
        };
        process.reaper = reaper_for(process.std_ref().id(), handle)?;
        process.kill_on_drop = kill_on_drop;
        Ok(process)
    }

    fn std_ref(&self) -> &std::process::Child {
        self.std
            .as_ref()
            .expect("rt-process: child already orphaned")
    }

    fn std_mut(&mut self) -> &mut std::process::Child {
        self.std
            .as_mut()
            .expect("rt-process: child already orphaned")
    }

    fn id(&self) -> Option<u32> {
        match self.status {
            None => Some(self.std_ref().id()),
            Some(_) => None,
        }
    }

    fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.status {
            return Ok(Some(status));
        }
        let status = self.std_mut().try_wait()?;
        if let Some(status) = status {
            self.status = Some(status);
            // Closes the pidfd / drops the listener.
            self.reaper = Reaper::Done;
        }
        Ok(status)
    }

    fn start_kill(&mut self) -> io::Result<()> {
        if self.status.is_some() {
            return Err(exited_error());
        }
        // Not reaped yet, so the pid is still ours (at worst a zombie).
        self.std_mut().kill()
    }

    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        loop {
            if let Some(status) = self.try_wait()? {
                coop.made_progress();
                return Poll::Ready(Ok(status));
            }
            match &mut self.reaper {
                Reaper::Pidfd(pidfd) => {
                    let ev = ready!(pidfd.registration().poll_read_ready(cx))?;
                    // Readable means exited, so `try_wait` reaps. Should it
                    // not (a kernel whose pidfd reports the exit of the
                    // thread-group leader before the whole group's), fall
                    // back to SIGCHLD rather than spin.
                    let std = self
                        .std
                        .as_mut()
                        .expect("rt-process: child already orphaned");
                    if let Some(status) = std.try_wait()? {
                        self.status = Some(status);
                        self.reaper = Reaper::Done;
                        coop.made_progress();
                        return Poll::Ready(Ok(status));
                    }
                    let handle = pidfd.registration().handle().clone();
                    pidfd.registration().clear_readiness(ev);
                    self.reaper = Reaper::Sigchld(sigchld(&handle)?);
                }
                Reaper::Sigchld(signal) => {
                    if ready!(signal.poll_recv(cx)).is_none() {
                        return Poll::Ready(Err(rt_reactor::shutdown_error()));
                    }
                }
                Reaper::Done => unreachable!("not reaped, so a reaper is set"),
            }
        }
    }
}

fn sigchld(handle: &Handle) -> io::Result<Signal> {
    rt_signal::signal_with_handle(SignalKind::child(), handle)
}

fn reaper_for(pid: u32, handle: &Handle) -> io::Result<Reaper> {
    if let Some(pidfd) = Pidfd::open(pid) {
        if let Ok(io) =
            PollEvented::new_with_interest_and_handle(pidfd, Interest::READABLE, handle.clone())
        {
            return Ok(Reaper::Pidfd(io));
        }
    }
    sigchld(handle).map(Reaper::Sigchld)
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.status.is_some() {
            return;
        }
        let Some(mut std) = self.std.take() else {
            return;
        };
        if self.kill_on_drop {
            let _ = std.kill();
        }
        orphan::push(std);
    }
}

/// Representation of a child process spawned onto an event loop.
///
/// # Caveats
///
/// Similar to the behavior of the standard library, and unlike the
/// futures paradigm of dropping-implies-cancellation, a spawned process
/// will, by default, continue to execute even after the `Child` handle has
/// been dropped. [`Command::kill_on_drop`](crate::Command::kill_on_drop)
/// changes that. Either way a dropped child is reaped in the background
/// once it exits: it never stays a zombie.
pub struct Child {
    process: Process,
    /// The handle for writing to the child's standard input (stdin), if it
    /// has been captured. To avoid partially moving the child and thus
    /// blocking yourself from calling functions on `child` while using
    /// `stdin`, you might find it helpful to do:
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use rt_io::AsyncWriteExt;
    ///
    /// let mut child = rt_process::Command::new("cat")
    ///     .stdin(std::process::Stdio::piped())
    ///     .spawn()?;
    /// let mut stdin = child.stdin.take().unwrap();
    /// stdin.write_all(b"bye").await?;
    /// drop(stdin); // EOF for `cat`
    /// assert!(child.wait().await?.success());
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub stdin: Option<ChildStdin>,
    /// The handle for reading from the child's standard output (stdout), if
    /// it has been captured.
    pub stdout: Option<ChildStdout>,
    /// The handle for reading from the child's standard error (stderr), if
    /// it has been captured.
    pub stderr: Option<ChildStderr>,
}

impl Child {
    pub(crate) fn new(
        process: Process,
        stdin: Option<ChildStdin>,
        stdout: Option<ChildStdout>,
        stderr: Option<ChildStderr>,
    ) -> Child {
        Child {
            process,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Returns the OS-assigned process identifier associated with this
    /// child while it is still running.
    ///
    /// Once the child has been polled to completion this will return
    /// `None`. This is done to avoid confusion on platforms like Unix where
    /// the OS identifier could be reused once the process has completed.
    pub fn id(&self) -> Option<u32> {
        self.process.id()
    }

    /// Attempts to force the child to exit, but does not wait for the
    /// request to take effect.
    ///
    /// On Unix platforms, this is the equivalent to sending a `SIGKILL`.
    /// Note that on Unix platforms it is possible for a zombie process to
    /// remain after a kill is sent; to avoid this, the caller should
    /// ensure that either `child.wait().await` or `child.try_wait()` is
    /// invoked successfully (or drop the `Child`: it is then reaped in the
    /// background).
    ///
    /// # Errors
    ///
    /// `ErrorKind::InvalidInput` if the child has already been reaped.
    pub fn start_kill(&mut self) -> io::Result<()> {
        self.process.start_kill()
    }

    /// Forces the child to exit (`SIGKILL`) and waits for it to be reaped.
    ///
    /// This is equivalent to sending a `SIGKILL` on unix platforms
    /// followed by [`wait`](Child::wait).
    ///
    /// # Errors
    ///
    /// `ErrorKind::InvalidInput` if the child has already been reaped.
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// let mut child = rt_process::Command::new("sleep").arg("100").spawn().unwrap();
    /// child.kill().await.unwrap();
    /// assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));
    /// # });
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit completely, returning the status that
    /// it exited with. This function will continue to have the same return
    /// value after it has been called at least once.
    ///
    /// The stdin handle to the child process, if any, will be closed
    /// before waiting. This helps avoid deadlock: it ensures that the child
    /// does not block waiting for input from the parent, while the parent
    /// waits for the child to exit.
    ///
    /// # Cancel safety
    ///
    /// This function is cancel safe.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        poll_fn(|cx| self.process.poll_wait(cx)).await
    }

    /// Attempts to collect the exit status of the child if it has already
    /// exited.
    ///
    /// This function will not block the calling thread and will only
    /// check to see if the child process has exited or not. If it has, the
    /// status is returned (and `id` returns `None` from then on); if not,
    /// `Ok(None)`. Unlike `wait`, it does not close stdin.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.process.try_wait()
    }

    /// Returns a future that will resolve to an `Output`, containing the
    /// exit status, stdout, and stderr of the child process.
    ///
    /// The returned future will simultaneously wait for the child to exit
    /// and collect all remaining output on the stdout/stderr handles,
    /// returning an `Output` instance. The stdin handle to the child
    /// process, if any, will be closed before waiting.
    ///
    /// In order to capture the output into this `Output` it is necessary to
    /// create new pipes between parent and child. Use `stdout(Stdio::piped())`
    /// or `stderr(Stdio::piped())`, respectively, when creating a
    /// `Command`.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let mut out = pin!(read_all(self.stdout.take()));
        let mut err = pin!(read_all(self.stderr.take()));
        let mut stdout = None;
        let mut stderr = None;
        let mut status = None;
        let process = &mut self.process;
        poll_fn(|cx| {
            if stdout.is_none() {
                if let Poll::Ready(r) = out.as_mut().poll(cx) {
                    stdout = Some(r?);
                }
            }
            if stderr.is_none() {
                if let Poll::Ready(r) = err.as_mut().poll(cx) {
                    stderr = Some(r?);
                }
            }
            if status.is_none() {
                if let Poll::Ready(r) = process.poll_wait(cx) {
                    status = Some(r?);
                }
            }
            match (status, stdout.take(), stderr.take()) {
                (Some(status), Some(stdout), Some(stderr)) => Poll::Ready(Ok(Output {
                    status,
                    stdout,
                    stderr,
                })),
                (_, out, err) => {
                    stdout = out;
                    stderr = err;
                    Poll::Pending
                }
            }
        })
        .await
    }
}

async fn read_all<R: AsyncRead + Unpin>(io: Option<R>) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if let Some(mut io) = io {
        io.read_to_end(&mut buf).await?;
    }
    Ok(buf)
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.id())
            .field("status", &self.process.status)
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
