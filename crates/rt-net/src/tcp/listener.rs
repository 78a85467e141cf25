//! `TcpListener`.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

use rt_reactor::{Interest, PollEvented};

use crate::addr::{no_addresses, to_socket_addrs, ToSocketAddrs};
use crate::TcpStream;

/// A TCP socket server, listening for connections.
///
/// You can accept a new connection by using the
/// [`accept`](TcpListener::accept) method.
///
/// A `TcpListener` can be turned into a `Stream` with `TcpListenerStream`
/// in the wrapper crates of the ecosystem, or polled with
/// [`poll_accept`](TcpListener::poll_accept).
///
/// # Errors
///
/// Note that accepting a connection can lead to various errors and not all
/// of them are necessarily fatal ‒ for example having too many open file
/// descriptors or the other side closing the connection while it waits in
/// an accept queue. These would terminate the stream if not handled in any
/// way. `accept` reports such an error at once (it never retries in a loop
/// inside the runtime), and the next call tries again: once file
/// descriptors are available, the pending connection is accepted.
///
/// # Examples
///
/// ```
/// use rt_net::{TcpListener, TcpStream};
///
/// # futures::executor::block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let client = TcpStream::connect(addr).await?;
/// let (socket, peer) = listener.accept().await?;
/// assert_eq!(peer, client.local_addr()?);
/// # drop(socket);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct TcpListener {
    io: PollEvented<mio::net::TcpListener>,
}

impl TcpListener {
    /// Creates a new `TcpListener`, which will be bound to the specified
    /// address.
    ///
    /// The returned listener is ready for accepting connections.
    ///
    /// Binding with a port number of 0 will request that the OS assigns a
    /// port to this listener. The port allocated can be queried via the
    /// `local_addr` method.
    ///
    /// The address type can be any implementor of the [`ToSocketAddrs`]
    /// trait. If `addr` yields multiple addresses, bind will be attempted
    /// with each of the addresses until one succeeds and returns the
    /// listener. If none of the addresses succeed in creating a listener,
    /// the error returned from the last attempt (the last address) is
    /// returned.
    ///
    /// This function sets the `SO_REUSEADDR` option on the socket.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        let addrs = to_socket_addrs(&addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match TcpListener::bind_addr(addr) {
                Ok(listener) => return Ok(listener),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let listener = mio::net::TcpListener::bind(addr)?;
        TcpListener::new(listener)
    }

    pub(crate) fn new(listener: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new_with_interest(listener, Interest::READABLE)?,
        })
    }

    /// Accepts a new incoming connection from this listener.
    ///
    /// This function will yield once a new TCP connection is established.
    /// When established, the corresponding [`TcpStream`] and the remote
    /// peer's address will be returned. Many tasks may wait at once.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If the method is used as the event in a
    /// `select!` statement and some other branch completes first, then it
    /// is guaranteed that no new connections were accepted by this method.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (mio, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        let stream = TcpStream::new_with_handle(mio, self.io.registration().handle().clone())?;
        Ok((stream, addr))
    }

    /// Polls to accept a new incoming connection to this listener.
    ///
    /// If there is no connection to accept, `Poll::Pending` is returned and
    /// the current task will be notified by a waker. Note that on multiple
    /// calls to `poll_accept`, only the `Waker` from the `Context` passed
    /// to the most recent call is scheduled to receive a wakeup.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (mio, addr) = ready!(self.io.registration().poll_read_io(cx, || self.io.accept()))?;
        let stream = TcpStream::new_with_handle(mio, self.io.registration().handle().clone())?;
        Poll::Ready(Ok((stream, addr)))
    }

    /// Creates new `TcpListener` from a `std::net::TcpListener`.
    ///
    /// This function is intended to be used to wrap a TCP listener from the
    /// standard library in the rt equivalent. The caller is responsible for
    /// ensuring that the listener is in non-blocking mode.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled. With no
    /// runtime current, the listener uses the global background reactor.
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::new(mio::net::TcpListener::from_std(listener))
    }

    /// Turns a `TcpListener` into a `std::net::TcpListener`.
    ///
    /// The returned `std::net::TcpListener` will have nonblocking mode set
    /// as `true`. Use `set_nonblocking` to change the blocking mode if
    /// needed.
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        self.io.into_inner().map(std::net::TcpListener::from)
    }

    /// Returns the local address that this listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Gets the value of the `IP_TTL` option for this socket.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the value for the `IP_TTL` option on this socket.
    ///
    /// This value sets the time-to-live field that is used in every packet
    /// sent from this socket.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// The reactor registration (for tests and wrappers).
    #[doc(hidden)]
    pub fn registration(&self) -> &rt_reactor::Registration {
        self.io.registration()
    }
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// Consumes stream, returning the rt I/O object.
    ///
    /// This is equivalent to
    /// [`TcpListener::from_std(stream)`](TcpListener::from_std).
    fn try_from(stream: std::net::TcpListener) -> Result<Self, Self::Error> {
        Self::from_std(stream)
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
