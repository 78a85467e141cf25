//! `TcpStream`.

use std::io;
use std::net::SocketAddr;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use std::os::unix::io::AsRawFd;

use rt_io::ReadBuf;
use rt_reactor::{Interest, PollEvented};

use crate::addr::{no_addresses, to_socket_addrs, ToSocketAddrs};
use crate::tcp::inq::Inq;

/// A TCP stream between a local and a remote socket.
///
/// A TCP stream can either be created by connecting to an endpoint, via the
/// [`connect`] method, or by [accepting] a connection from a [listener]. A
/// TCP stream can also be created via the [`TcpSocket`] type.
///
/// Reading and writing to a `TcpStream` is usually done using the
/// convenience methods found on the [`AsyncReadExt`] and [`AsyncWriteExt`]
/// traits.
///
/// [`connect`]: method@TcpStream::connect
/// [accepting]: method@crate::TcpListener::accept
/// [listener]: struct@crate::TcpListener
/// [`TcpSocket`]: struct@crate::TcpSocket
/// [`AsyncReadExt`]: trait@rt_io::AsyncReadExt
/// [`AsyncWriteExt`]: trait@rt_io::AsyncWriteExt
///
/// # Examples
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
/// use rt_net::{TcpListener, TcpStream};
///
/// # futures::executor::block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"hello world!").await?;
/// let mut buf = [0; 12];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hello world!");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// To shut down the stream in the write direction, you can call the
/// [`shutdown()`] method. This will cause the other peer to receive a read
/// of length 0, indicating that no more data will be sent. This only closes
/// the stream in one direction.
///
/// [`shutdown()`]: fn@rt_io::AsyncWriteExt::shutdown
pub struct TcpStream {
    io: PollEvented<mio::net::TcpStream>,
    /// Whether reads learn from the kernel if they drained the receive
    /// queue (see [`Inq`]).
    inq: Inq,
}

impl TcpStream {
    /// Opens a TCP connection to a remote host.
    ///
    /// `addr` is an address of the remote host. Anything which implements
    /// the [`ToSocketAddrs`] trait can be supplied as the address. If `addr`
    /// yields multiple addresses, connect will be attempted with each of the
    /// addresses until a connection is successful. If none of the addresses
    /// result in a successful connection, the error returned from the last
    /// connection attempt (the last address) is returned.
    ///
    /// A refused connection fails with [`io::ErrorKind::ConnectionRefused`],
    /// as in std.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let addrs = to_socket_addrs(&addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let sys = mio::net::TcpStream::connect(addr)?;
        TcpStream::connect_mio(sys).await
    }

    /// Creates new `TcpStream` from a `std::net::TcpStream`.
    ///
    /// This function is intended to be used to wrap a TCP stream from the
    /// standard library in the rt equivalent. The caller is responsible for
    /// ensuring that the stream is in non-blocking mode.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled. With no
    /// runtime current, the stream uses the global background reactor.
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::new(mio::net::TcpStream::from_std(stream))
    }

    /// Turns a `TcpStream` into a `std::net::TcpStream`.
    ///
    /// The returned `std::net::TcpStream` will have nonblocking mode set as
    /// `true`. Use `set_nonblocking` to change the blocking mode if needed.
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        let TcpStream { io, inq } = self;
        let stream = io.into_inner()?;
        // Hand the socket back with its options as the caller set them.
        inq.disable(stream.as_raw_fd());
        Ok(std::net::TcpStream::from(stream))
    }

    fn from_io(io: PollEvented<mio::net::TcpStream>) -> TcpStream {
        TcpStream {
            io,
            inq: Inq::new(),
        }
    }

    /// The read loop behind `AsyncRead`: waits for read readiness and
    /// reads into `buf`.
    ///
    /// Readiness is cleared (for the edge the read acted on; see
    /// `rt_reactor::Registration::clear_readiness`) when the read returned
    /// `WouldBlock`, when it was short (the queue was drained), or when it
    /// filled `buf` and the kernel reported nothing left in the queue. The
    /// last case saves the read that would return `WouldBlock` after every
    /// exact-size read (`read_exact` of a whole message): the first read
    /// that fills its buffer turns `TCP_INQ` on for the socket.
    pub(crate) fn poll_read_slice(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let len = buf.len();
        let n = ready!(self
            .io
            .poll_read_with(cx, len, || self.inq.read(&self.io, buf)))?;
        if n > 0 && n == len {
            // Full: from now on, learn whether it drained the queue.
            self.inq.enable(self.io.as_raw_fd());
        }
        Poll::Ready(Ok(n))
    }

    /// Returns the local address that this stream is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Returns the remote address that this stream is connected to.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Attempts to receive data on the socket, without removing that data
    /// from the queue, registering the current task for wakeup if data is
    /// not yet available.
    ///
    /// Note that on multiple calls to `poll_peek`, `poll_read` or
    /// `poll_read_ready`, only the `Waker` from the `Context` passed to the
    /// most recent call is scheduled to receive a wakeup.
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        let n = ready!(self
            .io
            .registration()
            .poll_read_io(cx, || self.io.peek(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(n))
    }

    /// Receives data on the socket from the remote address to which it is
    /// connected, without removing that data from the queue. On success,
    /// returns the number of bytes peeked.
    ///
    /// Successive calls return the same data.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Gets the value of the `TCP_NODELAY` option on this socket.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Sets the value of the `TCP_NODELAY` option on this socket.
    ///
    /// If set, this option disables the Nagle algorithm. This means that
    /// segments are always sent as soon as possible, even if there is only a
    /// small amount of data.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Reads the linger duration for this socket by getting the `SO_LINGER`
    /// option.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(&*self.io).linger()
    }

    /// Sets the linger duration of this socket by setting the `SO_LINGER`
    /// option.
    ///
    /// This option controls the action taken when a stream has unsent
    /// messages and the stream is closed. If `SO_LINGER` is set, the system
    /// shall block the process until it can transmit the data or until the
    /// time expires. If `SO_LINGER` is not specified, and the stream is
    /// closed, the system handles the call in a way that allows the process
    /// to continue as quickly as possible.
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_linger(dur)
    }

    /// Sets a linger duration of zero on this socket by setting the
    /// `SO_LINGER` option.
    ///
    /// With a zero linger, closing the socket discards unsent data and
    /// resets the connection (the peer sees `ConnectionReset`) instead of
    /// a graceful shutdown, and the socket does not enter `TIME_WAIT`.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_linger(Some(Duration::ZERO))
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
}

stream_io!(TcpStream, mio::net::TcpStream, tcp);
fd_traits!(TcpStream, std::net::TcpStream);
