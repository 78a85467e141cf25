//! `AsyncFd`: readiness for any Unix file descriptor.

use std::error::Error;
use std::fmt;
use std::io;
use std::os::unix::io::{AsRawFd, RawFd};
use std::task::{ready, Context, Poll};

use mio::unix::SourceFd;

use crate::driver::Handle;
use crate::scheduled_io::ReadyEvent;
use crate::{Interest, Ready, Registration};

/// Associates an I/O object backed by a Unix file descriptor with the rt
/// reactor, allowing for readiness to be polled. The file descriptor must
/// be of a type that can be used with the OS polling facilities (ie,
/// `epoll`), such as a network socket or pipe, and must be in non-blocking
/// mode.
///
/// Creating an `AsyncFd` registers the descriptor with the current reactor
/// (or with the global background reactor when no rt runtime is current);
/// dropping it (or calling [`into_inner`](AsyncFd::into_inner))
/// deregisters it. The `AsyncFd` takes ownership of the object `T`, which
/// keeps the fd open while it is registered.
///
/// Readiness is edge-triggered and cached: after `readable().await`
/// returns a guard, the fd stays "ready" until the guard's
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready) is called, typically
/// because an operation returned `WouldBlock` — which
/// [`try_io`](AsyncFdReadyGuard::try_io) does for you.
///
/// # Example
///
/// ```
/// use rt_reactor::AsyncFd;
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// # futures::executor::block_on(async {
/// let (mut a, b) = UnixStream::pair()?;
/// b.set_nonblocking(true)?;
/// let fd = AsyncFd::new(b)?;
/// a.write_all(b"hi")?;
/// let mut buf = [0; 8];
/// let n = loop {
///     let mut guard = fd.readable().await?;
///     match guard.try_io(|inner| inner.get_ref().read(&mut buf)) {
///         Ok(result) => break result?,
///         Err(_would_block) => continue,
///     }
/// };
/// assert_eq!(&buf[..n], b"hi");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct AsyncFd<T: AsRawFd> {
    registration: Registration,
    inner: Option<T>,
}

/// Represents an I/O object registered with an [`AsyncFd`] which is
/// currently ready for I/O; returned by [`AsyncFd::readable`] and friends.
///
/// It must be either cleared ([`clear_ready`](Self::clear_ready), after an
/// operation returned `WouldBlock`) or retained
/// ([`retain_ready`](Self::retain_ready)).
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// Represents an I/O object registered with an [`AsyncFd`] which is
/// currently ready for I/O, with mutable access to it; returned by
/// [`AsyncFd::readable_mut`] and friends.
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// The error returned by a guard's `try_io` when the closure returned
/// `WouldBlock` (the readiness has been cleared).
pub struct TryIoError(());

/// The error of [`AsyncFd::try_new`] / [`AsyncFd::try_with_interest`]:
/// the registration failed; it gives the I/O object back.
pub struct AsyncFdTryNewError<T> {
    inner: T,
    cause: io::Error,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Creates an `AsyncFd` backed by (and taking ownership of) an object
    /// implementing [`AsRawFd`], registered for reading and writing.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled.
    #[track_caller]
    pub fn new(inner: T) -> io::Result<Self> {
        Self::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Creates an `AsyncFd` registered for the given `interest`.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled.
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<Self> {
        Self::try_with_interest(inner, interest).map_err(|e| e.cause)
    }

    /// Like [`new`](Self::new), but gives the object back on failure.
    #[track_caller]
    pub fn try_new(inner: T) -> Result<Self, AsyncFdTryNewError<T>> {
        Self::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Like [`with_interest`](Self::with_interest), but gives the object
    /// back on failure.
    #[track_caller]
    pub fn try_with_interest(inner: T, interest: Interest) -> Result<Self, AsyncFdTryNewError<T>> {
        Self::try_with_interest_and_handle(inner, interest, Handle::current())
    }

    /// Registers `inner` for `interest` with the driver of `handle`.
    pub fn try_with_interest_and_handle(
        inner: T,
        interest: Interest,
        handle: Handle,
    ) -> Result<Self, AsyncFdTryNewError<T>> {
        let fd = inner.as_raw_fd();
        match Registration::new_with_interest_and_handle(&mut SourceFd(&fd), interest, handle) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                inner: Some(inner),
            }),
            Err(cause) => Err(AsyncFdTryNewError { inner, cause }),
        }
    }

    /// Returns a shared reference to the backing object of this `AsyncFd`.
    #[inline]
    pub fn get_ref(&self) -> &T {
        self.inner.as_ref().expect("AsyncFd: inner taken")
    }

    /// Returns a mutable reference to the backing object of this `AsyncFd`.
    #[inline]
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.as_mut().expect("AsyncFd: inner taken")
    }

    fn take_inner(&mut self) -> Option<T> {
        let inner = self.inner.take()?;
        let fd = inner.as_raw_fd();
        let _ = self.registration.deregister(&mut SourceFd(&fd));
        Some(inner)
    }

    /// Deregisters this file descriptor and returns ownership of the
    /// backing object.
    pub fn into_inner(mut self) -> T {
        self.take_inner().expect("AsyncFd: inner taken")
    }

    /// Polls for read readiness.
    ///
    /// If the file descriptor is not currently ready for reading, this
    /// method will store a clone of the `Waker` from the provided
    /// `Context`. When the file descriptor becomes ready for reading,
    /// `Waker::wake` will be called. Only the last task to call this
    /// method is notified (use [`readable`](Self::readable) for many).
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Like [`poll_read_ready`](Self::poll_read_ready), with a mutable guard.
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness. Only the last task to call this method is
    /// notified (use [`writable`](Self::writable) for many).
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Like [`poll_write_ready`](Self::poll_write_ready), with a mutable
    /// guard.
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Waits for any of the requested ready states, returning an
    /// [`AsyncFdReadyGuard`] that must be dropped to resume polling for
    /// the requested ready states. Any number of tasks may wait at once.
    ///
    /// Fails if the driver has shut down.
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Like [`ready`](Self::ready), with a mutable guard.
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits for the file descriptor to become readable.
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits for the file descriptor to become readable, with a mutable
    /// guard.
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits for the file descriptor to become writable.
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// Waits for the file descriptor to become writable, with a mutable
    /// guard.
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Reads or writes from the file descriptor using a user-provided I/O
    /// operation: waits for `interest`, runs `f`, and repeats while `f`
    /// returns `WouldBlock` (clearing the readiness each time).
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration
            .async_io(interest, || f(self.get_ref()))
            .await
    }

    /// Like [`async_io`](Self::async_io), with mutable access.
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = self.inner.as_mut().expect("AsyncFd: inner taken");
        self.registration.async_io(interest, || f(inner)).await
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd> std::os::unix::io::AsFd for AsyncFd<T> {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        // SAFETY: the fd is owned by `inner`, which stays alive (and keeps
        // the fd open) for at least as long as the returned borrow of self.
        unsafe { std::os::unix::io::BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        let _ = self.take_inner();
    }
}

/// What both guards' `clear_ready` do: clear the readiness the guard
/// reports (if no newer notification arrived) and forget it.
fn clear_event(registration: &Registration, event: &mut Option<ReadyEvent>) {
    if let Some(event) = event.take() {
        registration.clear_readiness(event);
    }
}

/// What both guards' `clear_ready_matching` do: clear `ready` only, and
/// keep the rest of the guard's readiness.
fn clear_event_matching(registration: &Registration, event: &mut Option<ReadyEvent>, ready: Ready) {
    if let Some(mut ev) = event.take() {
        registration.clear_readiness(ev.with_ready(ev.ready & ready));
        ev.ready = ev.ready - ready;
        if !ev.ready.is_empty() {
            *event = Some(ev);
        }
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    /// Indicates to rt that the file descriptor is no longer ready. All
    /// internal readiness flags will be cleared, and tasks will wait for
    /// the next edge-triggered readiness notification from the OS.
    ///
    /// Only the readiness this guard reports is cleared, and only if no
    /// newer notification arrived since. Read- and write-closed readiness
    /// are never cleared.
    pub fn clear_ready(&mut self) {
        clear_event(&self.async_fd.registration, &mut self.event);
    }

    /// Indicates to rt that the file descriptor no longer has a specific
    /// readiness; the rest of the guard's readiness is kept.
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_event_matching(&self.async_fd.registration, &mut self.event, ready);
    }

    /// This method should be invoked when you intentionally want to keep
    /// the ready flag asserted. While this function is itself a no-op, it
    /// satisfies the `#[must_use]` constraint on the guard.
    pub fn retain_ready(&mut self) {}

    /// Get the [`Ready`] value associated with this guard (empty after
    /// [`clear_ready`](Self::clear_ready)).
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Performs the provided I/O operation. If it returns `WouldBlock`, the
    /// readiness is cleared and `Err(TryIoError)` is returned; otherwise its
    /// result is returned in `Ok`.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// Returns a shared reference to the inner [`AsyncFd`].
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// Returns a shared reference to the backing object of the inner
    /// [`AsyncFd`].
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<T: AsRawFd> AsyncFdReadyMutGuard<'_, T> {
    /// Indicates to rt that the file descriptor is no longer ready (see
    /// [`AsyncFdReadyGuard::clear_ready`]).
    pub fn clear_ready(&mut self) {
        clear_event(&self.async_fd.registration, &mut self.event);
    }

    /// Clears only the given readiness (see
    /// [`AsyncFdReadyGuard::clear_ready_matching`]).
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_event_matching(&self.async_fd.registration, &mut self.event, ready);
    }

    /// Keeps the ready flag asserted (a no-op that satisfies `#[must_use]`).
    pub fn retain_ready(&mut self) {}

    /// Get the [`Ready`] value associated with this guard.
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Performs the provided I/O operation with mutable access; on
    /// `WouldBlock` clears the readiness and returns `Err(TryIoError)`.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// Returns a shared reference to the inner [`AsyncFd`].
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// Returns a mutable reference to the inner [`AsyncFd`].
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// Returns a shared reference to the backing object.
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// Returns a mutable reference to the backing object.
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

impl fmt::Debug for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TryIoError(())")
    }
}

impl<T> AsyncFdTryNewError<T> {
    /// Returns the original object passed to `try_new` along with the
    /// underlying error.
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(value: AsyncFdTryNewError<T>) -> Self {
        value.cause
    }
}
