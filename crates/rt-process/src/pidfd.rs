//! Linux process file descriptors: `pidfd_open(2)` gives an fd that turns
//! readable when the process exits, so a child's exit is an ordinary
//! reactor event (no `SIGCHLD` handler needed). Elsewhere, or on kernels
//! without it (before 5.3, or a seccomp filter that refuses it), children
//! are reaped through `SIGCHLD` instead.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

use mio::event::Source;
use mio::unix::SourceFd;
use mio::{Interest, Registry, Token};

/// Set once `pidfd_open` is known not to work here (or by tests).
static DISABLED: AtomicBool = AtomicBool::new(false);

/// Makes later spawns reap through `SIGCHLD` (`false`) or try pidfds again
/// (`true`).
pub(crate) fn set_enabled(enabled: bool) {
    DISABLED.store(!enabled, Ordering::SeqCst);
}

/// A pidfd, as a mio source (readable once the process has exited).
#[derive(Debug)]
pub(crate) struct Pidfd(OwnedFd);

impl Pidfd {
    /// Opens a pidfd for `pid`, a child that has not been reaped yet (so
    /// the pid cannot have been reused). `None` if the kernel offers none.
    pub(crate) fn open(pid: u32) -> Option<Pidfd> {
        if DISABLED.load(Ordering::Relaxed) {
            return None;
        }
        Self::open_sys(pid)
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn open_sys(pid: u32) -> Option<Pidfd> {
        use std::os::fd::FromRawFd;
        let pid = libc::pid_t::try_from(pid).ok()?;
        // SAFETY: pidfd_open takes a pid and a flags word and returns a new
        // fd (close-on-exec) or -1; no memory is passed.
        let r = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0 as libc::c_uint) };
        if r < 0 {
            if io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) {
                DISABLED.store(true, Ordering::Relaxed);
            }
            return None;
        }
        let fd = libc::c_int::try_from(r).ok()?;
        // SAFETY: `fd` was just returned by pidfd_open: open and owned by
        // nobody else.
        Some(Pidfd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn open_sys(_pid: u32) -> Option<Pidfd> {
        None
    }
}

impl Source for Pidfd {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        SourceFd(&self.0.as_raw_fd()).register(registry, token, interest)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        SourceFd(&self.0.as_raw_fd()).reregister(registry, token, interest)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        SourceFd(&self.0.as_raw_fd()).deregister(registry)
    }
}
