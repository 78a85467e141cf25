//! `rt-net`: TCP, UDP and Unix sockets for the rt runtime, mirroring
//! `tokio::net` (the `rt` facade re-exports this crate as `rt::net`).
//!
//! * TCP: [`TcpListener`], [`TcpStream`] (with borrowed and owned halves in
//!   [`tcp`]), [`TcpSocket`] for configuring a socket before connecting or
//!   listening.
//! * UDP: [`UdpSocket`].
//! * Unix: [`UnixListener`], [`UnixStream`] (halves, [`unix::UCred`]),
//!   [`UnixDatagram`].
//! * Addresses: [`ToSocketAddrs`] (names are resolved on the blocking pool,
//!   or on a helper thread when no runtime is current) and
//!   [`lookup_host`].
//!
//! Every socket registers with the I/O driver of the current rt runtime
//! (`rt-reactor`); with no rt runtime current, with a global driver thread,
//! so these types work under any executor.
//!
//! ```
//! use rt_io::{AsyncReadExt, AsyncWriteExt};
//! use rt_net::{TcpListener, TcpStream};
//!
//! # futures::executor::block_on(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let mut client = TcpStream::connect(listener.local_addr()?).await?;
//! let (mut server, _) = listener.accept().await?;
//! client.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! server.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"ping");
//! # std::io::Result::Ok(()) }).unwrap();
//! ```
//!
//! Errors keep std's [`io::ErrorKind`](std::io::ErrorKind)s: a refused
//! connection is `ConnectionRefused`, a bad address `InvalidInput`, a write
//! to a closed peer `BrokenPipe` or `ConnectionReset`, a read from a closed
//! peer `Ok(0)`. Operations on a socket whose runtime has shut down fail
//! with an error saying so.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations)]

#[macro_use]
mod macros;

mod addr;
mod sys;
pub mod tcp;
mod udp;
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::listener::TcpListener;
pub use tcp::socket::TcpSocket;
pub use tcp::stream::TcpStream;
pub use udp::UdpSocket;
pub use unix::datagram::UnixDatagram;
pub use unix::listener::UnixListener;
pub use unix::stream::UnixStream;
