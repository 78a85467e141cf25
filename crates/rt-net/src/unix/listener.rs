//! `UnixListener`.

use std::io;
use std::path::Path;

use rt_reactor::{Interest, PollEvented};

use crate::unix::SocketAddr;
use crate::UnixStream;

/// A Unix socket which can accept connections from other Unix sockets.
///
/// You can accept a new connection by using the
/// [`accept`](UnixListener::accept) method. As with
/// [`TcpListener`](crate::TcpListener), an accept error (e.g. `EMFILE`) is
/// reported at once and the next call tries again.
///
/// ```
/// use rt_net::{UnixListener, UnixStream};
///
/// # futures::executor::block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-net-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_file(&dir);
/// let listener = UnixListener::bind(&dir)?;
/// let _client = UnixStream::connect(&dir).await?;
/// let (_server, _addr) = listener.accept().await?;
/// # std::fs::remove_file(&dir)?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
}

impl UnixListener {
    /// Creates a new `UnixListener` bound to the specified path.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled. With no
    /// runtime current, the listener uses the global background reactor.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let listener = mio::net::UnixListener::bind(path)?;
        UnixListener::new(listener)
    }

    fn new(listener: mio::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new_with_interest(listener, Interest::READABLE)?
                .without_deregister_on_drop(),
        })
    }

    /// Creates new `UnixListener` from a
    /// `std::os::unix::net::UnixListener`.
    ///
    /// The caller is responsible for ensuring that the listener is in
    /// non-blocking mode.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled.
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::from_std(listener))
    }

    /// Turns a `UnixListener` into a `std::os::unix::net::UnixListener`
    /// (in non-blocking mode).
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        self.io
            .into_inner()
            .map(|l| std::os::unix::net::UnixListener::from(std::os::fd::OwnedFd::from(l)))
    }

    /// Returns the value of the `SO_ERROR` option.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }
}

listener_accept!(UnixListener, UnixStream, SocketAddr, SocketAddr);
fd_traits!(UnixListener, std::os::unix::net::UnixListener);
