//! Process-wide signal state: the self-pipe, one [`Slot`] per signal
//! number, the OS handlers (installed through `signal-hook-registry`, once
//! per signal, never removed), and the dispatchers that drain the pipe.
//!
//! # Dispatchers (no driver layer)
//!
//! A dispatcher is the pipe's read end (a `dup` of it) registered with one
//! reactor as an ordinary readable resource. Its *waker* is the dispatcher
//! itself: when the reactor finds the pipe readable it wakes the
//! dispatcher, which (on the reactor's thread, after the turn, outside
//! every reactor lock) reads the pipe until it would block, re-arming its
//! waker, and then broadcasts: every slot whose `pending` flag was set
//! notifies its listeners (protocol in `slot.rs`).
//!
//! There is one dispatcher per reactor that has listeners: the current
//! runtime's, or the global fallback reactor when no runtime is current.
//! Any of them may drain the pipe and broadcast for everyone (the slots are
//! global), the others then read nothing. So no `Park` layer is needed: the
//! reactor already wakes on the pipe, and the waker runs the dispatch.
//!
//! When a reactor shuts down it wakes the dispatcher one last time with a
//! shutdown error: the dispatcher marks itself dead, closes its fd, leaves
//! the list, and wakes every listener; listeners created under that
//! reactor then report `None`.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Wake, Waker};

use libc::c_int;
use mio::unix::pipe::{Receiver, Sender};
use rt_reactor::{Interest, PollEvented};

use crate::slot::Slot;

/// Signals refused with an error: those `signal-hook-registry` forbids
/// (`SIGKILL`, `SIGSTOP`, `SIGILL`, `SIGFPE`, `SIGSEGV`) and `SIGBUS`,
/// which, like `SIGSEGV`, means the faulting instruction would run again.
pub(crate) fn is_forbidden(signum: c_int) -> bool {
    signum == libc::SIGBUS || signal_hook_registry::FORBIDDEN.contains(&signum)
}

/// One past the largest signal number this platform has.
fn signal_count() -> usize {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let max = libc::SIGRTMAX();
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let max = 32;
    max as usize + 1
}

pub(crate) struct Globals {
    /// The pipe's write end: the handlers write to its fd. Never closed.
    sender: Sender,
    /// The pipe's read end; dispatchers read from `dup`s of it.
    receiver: OwnedFd,
    slots: Box<[Slot]>,
    /// Whether the OS handler of each signal is installed.
    installed: Mutex<Box<[bool]>>,
    dispatchers: Mutex<Vec<Arc<Dispatcher>>>,
}

static GLOBALS: OnceLock<Globals> = OnceLock::new();

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here leaves the data consistent at each step.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The process-wide state, created on first use.
pub(crate) fn globals() -> io::Result<&'static Globals> {
    if let Some(g) = GLOBALS.get() {
        return Ok(g);
    }
    // Both ends non-blocking and close-on-exec.
    let (sender, receiver) = mio::unix::pipe::new()?;
    let n = signal_count();
    let g = Globals {
        sender,
        receiver: OwnedFd::from(receiver),
        slots: (0..n).map(|_| Slot::new()).collect(),
        installed: Mutex::new(vec![false; n].into_boxed_slice()),
        dispatchers: Mutex::new(Vec::new()),
    };
    // A racing thread may have won: its pipe is used, this one is dropped
    // (nothing refers to it yet).
    let _ = GLOBALS.set(g);
    Ok(GLOBALS.get().expect("just set"))
}

/// The slot of `signum`, if the process has globals and the number is in
/// range (tests).
#[cfg(all(test, not(rt_loom)))]
pub(crate) fn slot_if_any(signum: c_int) -> Option<&'static Slot> {
    GLOBALS.get()?.slots.get(usize::try_from(signum).ok()?)
}

fn refuse(signum: c_int) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("Refusing to register signal {signum}"),
    )
}

impl Globals {
    pub(crate) fn slot(&self, signum: c_int) -> &Slot {
        &self.slots[signum as usize]
    }

    /// Checks `signum` and installs its OS handler if not done yet.
    pub(crate) fn install(&'static self, signum: c_int) -> io::Result<()> {
        if signum <= 0 || signum as usize >= self.slots.len() || is_forbidden(signum) {
            return Err(refuse(signum));
        }
        let mut installed = lock(&self.installed);
        if installed[signum as usize] {
            return Ok(());
        }
        let slot: &'static Slot = &self.slots[signum as usize];
        let fd: RawFd = self.sender.as_raw_fd();
        let action = move || {
            slot.record();
            let byte = 1u8;
            // `fd` is the pipe's write end, open for the life of the process
            // (the globals are never dropped). A failure (a full pipe) is fine.
            // SAFETY: `byte` is a valid one-byte buffer, `fd` is open, and
            // write(2) is async-signal-safe.
            unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
        };
        // `signum` is not in the registry's FORBIDDEN list (checked above),
        // so the registry does not panic.
        // SAFETY: the action only stores to an atomic and calls write(2),
        // both async-signal-safe; it does not allocate, lock or panic.
        unsafe { signal_hook_registry::register(signum, action) }?;
        installed[signum as usize] = true;
        Ok(())
    }

    /// Broadcasts every pending signal to its listeners. Call only after
    /// draining the pipe (see `slot.rs`).
    fn broadcast(&self) {
        for slot in self.slots.iter() {
            if slot.take_pending() {
                slot.notify();
            }
        }
    }

    /// The live dispatcher registered with `handle`'s reactor, created (and
    /// armed) if there is none.
    pub(crate) fn dispatcher(
        &'static self,
        handle: &rt_reactor::Handle,
    ) -> io::Result<Arc<Dispatcher>> {
        let created = {
            let mut list = lock(&self.dispatchers);
            list.retain(|d| !d.is_dead());
            if let Some(d) = list.iter().find(|d| d.is_for(handle)) {
                return Ok(d.clone());
            }
            let fd = self.receiver.try_clone()?;
            let io = PollEvented::new_with_interest_and_handle(
                Receiver::from(fd),
                Interest::READABLE,
                handle.clone(),
            )?;
            let d = Arc::new(Dispatcher {
                globals: self,
                io: Mutex::new(Some(io)),
                handle: handle.clone(),
                dead: AtomicBool::new(false),
            });
            list.push(d.clone());
            d
        };
        // Arm it (stores its waker in the reactor), outside the list lock:
        // a dispatcher that finds its reactor shut down removes itself.
        created.run();
        if created.is_dead() {
            return Err(rt_reactor::shutdown_error());
        }
        Ok(created)
    }
}

/// The pipe's read end registered with one reactor; see the module docs.
pub(crate) struct Dispatcher {
    globals: &'static Globals,
    /// `None` once dead.
    io: Mutex<Option<PollEvented<Receiver>>>,
    /// Identifies the reactor (also after death, so no lock is needed).
    handle: rt_reactor::Handle,
    dead: AtomicBool,
}

impl Dispatcher {
    fn is_for(&self, handle: &rt_reactor::Handle) -> bool {
        self.handle.ptr_eq(handle)
    }

    /// Whether the reactor shut down (listeners homed here report `None`).
    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    /// Drains the pipe until it would block (which leaves this dispatcher's
    /// waker with the reactor), then broadcasts.
    fn run(self: &Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        let mut buf = [0u8; 256];
        // The reactor's readiness polls spend the coop budget; this is not
        // a task, and an exhausted budget would wake (re-enter) us.
        let failed = rt_task::coop::with_unconstrained(|| {
            let guard = lock(&self.io);
            let Some(io) = guard.as_ref() else {
                return false;
            };
            loop {
                match io.poll_read(&mut cx, &mut buf) {
                    Poll::Ready(Ok(n)) if n > 0 => {}
                    Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                    Poll::Pending => return false,
                    // EOF cannot happen (the write end is never closed);
                    // any error means the reactor shut down.
                    Poll::Ready(_) => return true,
                }
            }
        });
        if failed {
            self.die();
        }
        self.globals.broadcast();
    }

    fn die(self: &Arc<Self>) {
        self.dead.store(true, Ordering::SeqCst);
        let io = lock(&self.io).take();
        // Deregisters and closes the dup; may drop the reactor's last
        // reference to our waker (not the last `Arc`: we hold one).
        drop(io);
        lock(&self.globals.dispatchers).retain(|d| !Arc::ptr_eq(d, self));
        for slot in self.globals.slots.iter() {
            slot.wake_all();
        }
    }
}

impl Wake for Dispatcher {
    fn wake(self: Arc<Self>) {
        self.run();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.run();
    }
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("dead", &self.is_dead())
            .finish_non_exhaustive()
    }
}
