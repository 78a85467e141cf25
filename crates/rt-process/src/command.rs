//! `Command`: `std::process::Command` plus `kill_on_drop`, spawning into
//! an asynchronous [`Child`].

use std::ffi::OsStr;
use std::fmt;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command as StdCommand, ExitStatus, Output, Stdio};

use rt_reactor::Handle;

use crate::child::{Child, Process};
use crate::orphan;
use crate::stdio::{ChildStderr, ChildStdin, ChildStdout};

/// This structure mimics the API of [`std::process::Command`] found in the
/// standard library, but replaces functions that create a process with an
/// asynchronous variant. The main provided asynchronous functions are
/// [`spawn`](Command::spawn), [`status`](Command::status), and
/// [`output`](Command::output).
///
/// `Command` uses asynchronous versions of some `std` types (for example
/// [`Child`]).
///
/// ```
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use rt_process::Command;
///
/// let output = Command::new("echo").arg("hello").arg("world").output().await?;
/// assert!(output.status.success());
/// assert_eq!(output.stdout, b"hello world\n");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
    stdin_set: bool,
    stdout_set: bool,
    stderr_set: bool,
}

impl Command {
    /// Constructs a new `Command` for launching the program at path
    /// `program`, with the following default configuration:
    ///
    /// * No arguments to the program
    /// * Inherit the current process's environment
    /// * Inherit the current process's working directory
    /// * Inherit stdin/stdout/stderr for `spawn` or `status`, but create
    ///   pipes for `output`
    ///
    /// If `program` is not an absolute path, the `PATH` will be searched in
    /// an OS-defined way.
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// Cheaply convert to a `&std::process::Command` for places where the
    /// type from the standard library is expected.
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// Cheaply convert to a `&mut std::process::Command` for places where
    /// the type from the standard library is expected.
    ///
    /// Stdio configured through it is not seen by [`output`](Self::output)'s
    /// defaults (which only apply to handles not set through this type).
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// Cheaply convert into a `std::process::Command` (`kill_on_drop` is
    /// lost).
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Adds an argument to pass to the program.
    ///
    /// Only one argument can be passed per use; use [`args`](Self::args)
    /// to pass several.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds multiple arguments to pass to the program.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets executable argument: the value the program sees as `argv[0]`
    /// (by default the program name given to [`new`](Self::new)).
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Inserts or updates an environment variable mapping.
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Adds or updates multiple environment variable mappings.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable mapping.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Clears the entire environment map for the child process.
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the working directory for the child process.
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Sets configuration for the child process's standard input (stdin)
    /// handle.
    ///
    /// Defaults to [`inherit`](Stdio::inherit) when used with `spawn` or
    /// `status`, and to [`null`](Stdio::null) when used with `output`.
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self.stdin_set = true;
        self
    }

    /// Sets configuration for the child process's standard output (stdout)
    /// handle.
    ///
    /// Defaults to [`inherit`](Stdio::inherit) when used with `spawn` or
    /// `status`, and to [`piped`](Stdio::piped) when used with `output`.
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self.stdout_set = true;
        self
    }

    /// Sets configuration for the child process's standard error (stderr)
    /// handle.
    ///
    /// Defaults to [`inherit`](Stdio::inherit) when used with `spawn` or
    /// `status`, and to [`piped`](Stdio::piped) when used with `output`.
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self.stderr_set = true;
        self
    }

    /// Controls whether a `kill` operation should be invoked on a spawned
    /// child process when its corresponding `Child` handle is dropped.
    ///
    /// By default, this value is assumed to be `false`, meaning the next
    /// spawned process will not be killed on drop, similar to the behavior
    /// of the standard library.
    ///
    /// # Caveats
    ///
    /// On Unix platforms processes must be "reaped" by their parent process
    /// after they have exited in order to release all OS resources. A child
    /// process which has exited, but has not yet been reaped by its parent
    /// is considered a "zombie" process. rt reaps children whose `Child`
    /// was dropped in the background (on `SIGCHLD`, and on every `spawn`),
    /// with or without this option.
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// Returns the `kill_on_drop` value of this command.
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Sets the child process's user ID. This translates to a `setuid`
    /// call in the child process. Failure in the `setuid` call will cause
    /// the spawn to fail.
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// Similar to `uid` but sets the group ID of the child process. This
    /// has the same semantics as the `uid` field.
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// Sets the process group ID (PGID) of the child process. Equivalent
    /// to a `setpgid` call in the child process, but may be more
    /// efficient. `0` puts the child in a new group whose id is its pid.
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Schedules a closure to be run just before the `exec` function is
    /// invoked.
    ///
    /// The closure is allowed to return an I/O error whose OS error code
    /// will be communicated back to the parent and returned as an error
    /// from when the spawn was requested.
    ///
    /// Multiple closures can be registered and they will be called in
    /// order of their registration. If a closure returns `Err` then no
    /// further closures will be called and the spawn operation will
    /// immediately return with a failure.
    ///
    /// # Safety
    ///
    /// This closure will be run in the context of the child process after
    /// a `fork`. This primarily means that any modifications made to
    /// memory on behalf of this closure will **not** be visible to the
    /// parent process. This is often a very constrained environment where
    /// normal operations like `malloc` or acquiring a mutex are not
    /// guaranteed to work (due to other threads perhaps still running when
    /// the `fork` was run). See [`CommandExt::pre_exec`].
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `CommandExt::pre_exec`'s contract,
        // which is this function's.
        unsafe { self.std.pre_exec(f) };
        self
    }

    /// Executes the command as a child process, returning a handle to it.
    ///
    /// By default, stdin, stdout and stderr are inherited from the parent.
    /// Piped handles become [`ChildStdin`]/[`ChildStdout`]/[`ChildStderr`],
    /// registered with the current rt runtime's reactor (the global one
    /// when no rt runtime is current), and the child's exit is watched
    /// through a pidfd there (or `SIGCHLD` where pidfds are unavailable).
    ///
    /// # Errors
    ///
    /// The errors of [`std::process::Command::spawn`] (`NotFound` for a
    /// missing program, …), or a failure to register the pipes or the exit
    /// watcher (the child is then killed and reaped).
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has no I/O driver.
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        let handle = Handle::current();
        orphan::drain_if_any();
        let mut std = self.std.spawn()?;
        let stdin = std.stdin.take();
        let stdout = std.stdout.take();
        let stderr = std.stderr.take();
        // From here on, an error drops `process`, which kills (if asked)
        // and reaps the child in the background.
        let process = Process::new(std, &handle, self.kill_on_drop)?;
        let stdin = stdin
            .map(|s| ChildStdin::with_handle(s, handle.clone()))
            .transpose()?;
        let stdout = stdout
            .map(|s| ChildStdout::with_handle(s, handle.clone()))
            .transpose()?;
        let stderr = stderr
            .map(|s| ChildStderr::with_handle(s, handle.clone()))
            .transpose()?;
        Ok(Child::new(process, stdin, stdout, stderr))
    }

    /// Executes the command as a child process, waiting for it to finish
    /// and collecting its exit status.
    ///
    /// By default, stdin, stdout and stderr are inherited from the parent.
    /// If any input/output handles are set to a pipe then they will be
    /// immediately closed after the child is spawned.
    ///
    /// The process is spawned when this function is called (not when the
    /// future is first polled); dropping the future leaves it running (or
    /// kills it, with `kill_on_drop`), and it is reaped in the background.
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let status = rt_process::Command::new("sh").args(["-c", "exit 3"]).status().await?;
    /// assert_eq!(status.code(), Some(3));
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let child = self.spawn();
        async move {
            let mut child = child?;
            // Close the pipes so that the child cannot block on them while
            // we wait.
            drop(child.stdin.take());
            drop(child.stdout.take());
            drop(child.stderr.take());
            child.wait().await
        }
    }

    /// Executes the command as a child process, waiting for it to finish
    /// and collecting all of its output.
    ///
    /// By default, stdout and stderr are captured (and used to provide the
    /// resulting output). Stdin is not inherited from the parent: it reads
    /// as empty. Handles set explicitly with [`stdin`](Self::stdin),
    /// [`stdout`](Self::stdout) or [`stderr`](Self::stderr) are kept.
    ///
    /// As with Tokio, these defaults are written into this `Command`, so a
    /// later `spawn` of the same `Command` uses them too. The process is
    /// spawned when this function is called.
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        if !self.stdin_set {
            self.stdin(Stdio::null());
        }
        if !self.stdout_set {
            self.stdout(Stdio::piped());
        }
        if !self.stderr_set {
            self.stderr(Stdio::piped());
        }
        let child = self.spawn();
        async move { child?.wait_with_output().await }
    }
}

impl From<StdCommand> for Command {
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
            stdin_set: false,
            stdout_set: false,
            stderr_set: false,
        }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("std", &self.std)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}
