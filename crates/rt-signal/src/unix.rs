//! Unix-specific types for signal handling (Tokio's `signal::unix`).

use std::fmt;
use std::io;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use libc::c_int;

use crate::globals::{globals, Dispatcher, Globals};
use crate::slot::Listener;

/// Represents the specific kind of signal to listen for.
///
/// ```
/// use rt_signal::unix::SignalKind;
///
/// let kind = SignalKind::user_defined1();
/// assert_eq!(kind.as_raw_value(), libc::SIGUSR1);
/// assert_eq!(SignalKind::from_raw(libc::SIGUSR1), kind);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Allows for listening to any valid OS signal.
    ///
    /// For example, this can be used for listening for platform-specific
    /// signals such as `SIGWINCH` or real-time signals. Listening for a
    /// signal that cannot be handled (`SIGKILL`, `SIGSTOP`, `SIGSEGV`,
    /// `SIGBUS`, `SIGILL`, `SIGFPE`) or for a number that is no signal of
    /// this platform fails with an `io::Error` when [`signal`] is called.
    pub const fn from_raw(signum: c_int) -> Self {
        SignalKind(signum)
    }

    /// Gets the signal's numeric value.
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// Represents the `SIGALRM` signal (a real-time timer expired).
    pub const fn alarm() -> Self {
        SignalKind(libc::SIGALRM)
    }

    /// Represents the `SIGCHLD` signal (a child process changed state).
    pub const fn child() -> Self {
        SignalKind(libc::SIGCHLD)
    }

    /// Represents the `SIGHUP` signal (the terminal was disconnected).
    pub const fn hangup() -> Self {
        SignalKind(libc::SIGHUP)
    }

    /// Represents the `SIGINT` signal (an interrupt, e.g. Ctrl-C).
    pub const fn interrupt() -> Self {
        SignalKind(libc::SIGINT)
    }

    /// Represents the `SIGIO` signal (I/O is possible on a descriptor).
    pub const fn io() -> Self {
        SignalKind(libc::SIGIO)
    }

    /// Represents the `SIGPIPE` signal (a write to a pipe with no reader).
    pub const fn pipe() -> Self {
        SignalKind(libc::SIGPIPE)
    }

    /// Represents the `SIGQUIT` signal (a quit request, e.g. Ctrl-\\).
    pub const fn quit() -> Self {
        SignalKind(libc::SIGQUIT)
    }

    /// Represents the `SIGTERM` signal (a termination request).
    pub const fn terminate() -> Self {
        SignalKind(libc::SIGTERM)
    }

    /// Represents the `SIGUSR1` signal (user-defined).
    pub const fn user_defined1() -> Self {
        SignalKind(libc::SIGUSR1)
    }

    /// Represents the `SIGUSR2` signal (user-defined).
    pub const fn user_defined2() -> Self {
        SignalKind(libc::SIGUSR2)
    }

    /// Represents the `SIGWINCH` signal (the terminal window changed size).
    pub const fn window_change() -> Self {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> Self {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> Self {
        kind.as_raw_value()
    }
}

/// A listener for receiving a particular type of OS signal.
///
/// Created by [`signal`]. Every `Signal` for a signal number receives every
/// delivery that happens after it was created, coalesced: deliveries that
/// arrive before the listener observes the previous one are reported once.
/// So after each delivery a listener sees *at least one* notification, but
/// two quick deliveries may be seen as one.
///
/// # Caveats
///
/// * The first `Signal` for a signal number installs an OS handler for it,
///   which stays installed for the rest of the process, even after every
///   `Signal` is dropped: the signal's default action (for example
///   terminating the process on `SIGINT`) does not come back.
/// * A `Signal` is served by the reactor that was current when it was
///   created (the global fallback reactor when no rt runtime was). Once
///   that runtime shuts down, [`recv`](Signal::recv) returns `None`.
///
/// ```no_run
/// use rt_signal::unix::{signal, SignalKind};
///
/// # async fn demo() -> std::io::Result<()> {
/// let mut hangups = signal(SignalKind::hangup())?;
/// loop {
///     hangups.recv().await;
///     println!("got SIGHUP");
/// }
/// # }
/// ```
pub struct Signal {
    globals: &'static Globals,
    signum: c_int,
    listener: Listener,
    home: Arc<Dispatcher>,
    done: bool,
}

/// Creates a new listener which will receive notifications when the current
/// process receives the specified signal.
///
/// The pipe that carries deliveries is registered with the current rt
/// runtime's reactor, or, with no rt runtime current, with a global
/// reactor on a background thread (so it works under any executor).
///
/// # Errors
///
/// * The signal cannot be handled (`SIGKILL`, `SIGSTOP`, `SIGSEGV`,
///   `SIGBUS`, `SIGILL`, `SIGFPE`) or is not a signal of this platform:
///   `ErrorKind::InvalidInput` ("Refusing to register signal N").
/// * The OS refused the handler, the self-pipe could not be created, or
///   the current runtime is shutting down.
///
/// # Panics
///
/// Panics if an rt runtime is current but was built without its I/O
/// driver (`enable_io`), as Tokio does.
///
/// ```
/// use rt_signal::unix::{signal, SignalKind};
///
/// let rt = rt::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let mut sig = signal(SignalKind::user_defined2()).unwrap();
///     // SAFETY: raising a signal that now has a handler.
///     unsafe { libc::raise(libc::SIGUSR2) };
///     assert_eq!(sig.recv().await, Some(()));
/// });
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    // Checked before looking for a reactor, so that a refused signal is an
    // error even where there is none.
    if !is_valid(kind.0) {
        return Err(refusal(kind.0));
    }
    signal_with_handle(kind, &rt_reactor::Handle::current())
}

fn is_valid(signum: c_int) -> bool {
    signum > 0 && !crate::globals::is_forbidden(signum)
}

fn refusal(signum: c_int) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("Refusing to register signal {signum}"),
    )
}

/// Like [`signal`], but the deliveries are dispatched by the reactor of
/// `handle` (an rt extension, used by `rt-process` to reap orphans on the
/// global reactor).
pub fn signal_with_handle(kind: SignalKind, handle: &rt_reactor::Handle) -> io::Result<Signal> {
    let signum = kind.0;
    if !is_valid(signum) {
        return Err(refusal(signum));
    }
    let globals = globals()?;
    globals.install(signum)?;
    let home = globals.dispatcher(handle)?;
    let listener = globals.slot(signum).subscribe();
    Ok(Signal {
        globals,
        signum,
        listener,
        home,
        done: false,
    })
}

impl Signal {
    /// Receives the next signal notification event.
    ///
    /// `None` is returned if no more events can be received by this stream:
    /// the runtime whose reactor serves it has shut down.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as the event in a
    /// `select!` and another branch completes first, no notification is
    /// lost.
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls to receive the next signal notification event, outside of an
    /// `async` context.
    ///
    /// Returns `Poll::Pending` (and arranges for `cx`'s waker to be woken)
    /// if no notification arrived since the last one was received;
    /// `Poll::Ready(Some(()))` if one did; `Poll::Ready(None)` if no more
    /// can arrive (the serving runtime shut down). Only the waker of the
    /// most recent call is woken. Spends the task's cooperative budget.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        if self.done {
            return Poll::Ready(None);
        }
        let coop = ready!(rt_task::coop::poll_proceed(cx));
        let slot = self.globals.slot(self.signum);
        if slot.poll(&mut self.listener, cx).is_ready() {
            coop.made_progress();
            return Poll::Ready(Some(()));
        }
        // Read after the waker is parked: a dying dispatcher sets the flag
        // and then wakes every parked listener (see `globals.rs`).
        if self.home.is_dead() {
            self.done = true;
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.globals.slot(self.signum).unsubscribe(&self.listener);
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("signum", &self.signum)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(c_int::from(SignalKind::terminate()), libc::SIGTERM);
        assert_eq!(SignalKind::from(libc::SIGHUP), SignalKind::hangup());
        assert_eq!(SignalKind::quit().as_raw_value(), libc::SIGQUIT);
        assert_eq!(SignalKind::io().as_raw_value(), libc::SIGIO);
    }

    #[test]
    fn dropped_listeners_leave_their_slot() {
        let mut sigs: Vec<Signal> = (0..5)
            .map(|_| {
                signal_with_handle(SignalKind::window_change(), &rt_reactor::Handle::global())
                    .unwrap()
            })
            .collect();
        let slot = crate::globals::slot_if_any(libc::SIGWINCH).unwrap();
        assert_eq!(slot.num_listeners(), 5);
        sigs.truncate(2);
        assert_eq!(slot.num_listeners(), 2);
        drop(sigs);
        assert_eq!(slot.num_listeners(), 0);
    }
}
