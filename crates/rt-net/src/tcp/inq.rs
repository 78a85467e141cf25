//! Knowing whether a TCP read drained the receive queue.
//!
//! Readiness is edge-triggered: after a read, the reactor's readable bit
//! may only be cleared if the queue is known to be empty (a later arrival
//! raises a new edge, with a newer tick, so clearing cannot lose it). A
//! short read proves it; a read that fills its buffer exactly does not,
//! so without more information the next read must be tried, and on a
//! request/response stream it returns `WouldBlock`: one wasted system call
//! per message.
//!
//! With the Linux socket option `TCP_INQ` on, `recvmsg(2)` returns the
//! number of bytes left in the queue after the read, and a full read that
//! left nothing behind clears readiness like a short one. The option is
//! turned on lazily, by the first read that fills its buffer (most streams
//! never need it, and it costs one `setsockopt`), and turned off again by
//! `TcpStream::into_std`. It changes nothing else: a socket with the option
//! reads the same bytes.
//!
//! The state is a hint, not a protocol: with the option off (or a control
//! message missing), reads behave as without it, so relaxed atomics
//! suffice.

use std::io::{self, Read};
use std::os::unix::io::RawFd;
use std::sync::atomic::{AtomicU8, Ordering};

use rt_reactor::PollEvented;

/// `TCP_INQ` is off; reads use `read(2)`.
const OFF: u8 = 0;
/// `TCP_INQ` is on; reads use `recvmsg(2)` and learn the queue's length.
const ON: u8 = 1;
/// Turning `TCP_INQ` on failed (not supported here); never try again.
const UNSUPPORTED: u8 = 2;

/// Per-stream `TCP_INQ` state.
#[derive(Debug)]
pub(crate) struct Inq {
    state: AtomicU8,
}

impl Inq {
    pub(crate) fn new() -> Inq {
        Inq {
            state: AtomicU8::new(OFF),
        }
    }

    /// Reads into `buf`: the byte count, and whether the receive queue is
    /// known to have been left empty.
    pub(crate) fn read(
        &self,
        io: &PollEvented<mio::net::TcpStream>,
        buf: &mut [u8],
    ) -> io::Result<(usize, bool)> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.state.load(Ordering::Relaxed) == ON {
            use std::os::unix::io::AsRawFd;
            let (n, left) = crate::sys::recv_with_inq(io.as_raw_fd(), buf)?;
            return Ok((n, left == Some(0)));
        }
        let n = Read::read(&mut &**io, buf)?;
        Ok((n, false))
    }

    /// Turns `TCP_INQ` on for `fd` unless it already is (or cannot be).
    pub(crate) fn enable(&self, fd: RawFd) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.state.load(Ordering::Relaxed) == OFF {
            let next = match crate::sys::set_tcp_inq(fd, true) {
                Ok(()) => ON,
                Err(_) => UNSUPPORTED,
            };
            self.state.store(next, Ordering::Relaxed);
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = fd;
            self.state.store(UNSUPPORTED, Ordering::Relaxed);
        }
    }

    /// Turns `TCP_INQ` off again for `fd` if it was turned on.
    pub(crate) fn disable(&self, fd: RawFd) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.state.swap(OFF, Ordering::Relaxed) == ON {
            // Best effort: with the option left on, the socket reads the
            // same; only its `recvmsg` callers would see an extra control
            // message.
            let _ = crate::sys::set_tcp_inq(fd, false);
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = fd;
    }
}
