//! `TcpListener`.

use std::io;
use std::net::SocketAddr;

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
            io: PollEvented::new_with_interest(listener, Interest::READABLE)?
                .without_deregister_on_drop(),
        })
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

listener_accept!(TcpListener, TcpStream, SocketAddr, std::convert::identity);
fd_traits!(TcpListener, std::net::TcpListener);
