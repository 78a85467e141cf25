//! `UnixStream`.

use std::io;
use std::path::Path;

use rt_reactor::PollEvented;

use crate::unix::{SocketAddr, UCred};

/// A structure representing a connected Unix socket.
///
/// This socket can be connected directly with [`UnixStream::connect`] or
/// accepted from a listener with [`UnixListener::accept`]. Additionally, a
/// pair of anonymous Unix sockets can be created with
/// [`UnixStream::pair`].
///
/// To shut down the stream in the write direction, you can call the
/// [`shutdown()`] method. This will cause the other peer to receive a read
/// of length 0, indicating that no more data will be sent. This only closes
/// the stream in one direction.
///
/// [`shutdown()`]: fn@rt_io::AsyncWriteExt::shutdown
/// [`UnixListener::accept`]: crate::UnixListener::accept
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
/// use rt_net::UnixStream;
///
/// # futures::executor::block_on(async {
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// let mut buf = [0; 5];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hello");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UnixStream {
    io: PollEvented<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket named by `path`.
    ///
    /// This function will create a new Unix socket and connect to the path
    /// specified, associating the returned stream with the default event
    /// loop's handle.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        UnixStream::connect_mio(mio::net::UnixStream::connect(path)?).await
    }

    /// Creates new `UnixStream` from a `std::os::unix::net::UnixStream`.
    ///
    /// The caller is responsible for ensuring that the stream is in
    /// non-blocking mode.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled.
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Turns a `UnixStream` into a `std::os::unix::net::UnixStream` (in
    /// non-blocking mode).
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        self.io
            .into_inner()
            .map(|s| std::os::unix::net::UnixStream::from(std::os::fd::OwnedFd::from(s)))
    }

    /// Creates an unnamed pair of connected sockets.
    ///
    /// This function will create a pair of interconnected Unix sockets for
    /// communicating back and forth between one another. Each socket will
    /// be associated with the default event loop's handle.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        let a = UnixStream::new(a)?;
        let b = UnixStream::new(b)?;
        Ok((a, b))
    }

    /// Returns the socket address of the local half of this connection.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the socket address of the remote half of this connection.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Returns effective credentials of the process which called `connect`
    /// or `pair`.
    pub fn peer_cred(&self) -> io::Result<UCred> {
        crate::unix::get_peer_cred(&*self.io)
    }

    fn from_io(io: PollEvented<mio::net::UnixStream>) -> UnixStream {
        UnixStream { io }
    }

    /// The read loop behind `AsyncRead` (see `PollEvented::poll_read`).
    pub(crate) fn poll_read_slice(
        &self,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }
}

stream_io!(UnixStream, mio::net::UnixStream, unix);
fd_traits!(UnixStream, std::os::unix::net::UnixStream);
