//! The halves of a split [`TcpStream`]: borrowed ([`TcpStream::split`]) and
//! owned ([`TcpStream::into_split`], shared through an `Arc`, with
//! `reunite`). `ReadHalf`s implement `AsyncRead`, `WriteHalf`s
//! `AsyncWrite`; compared to the generic `rt_io::split`, these have no
//! locking overhead and enforce the invariants at the type level. The types
//! come from the `stream_halves!` macro shared with the Unix halves; only
//! `peek` is TCP's own.

use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use rt_io::ReadBuf;

use crate::TcpStream;

stream_halves!(TcpStream, SocketAddr, "TCP");

/// `poll_peek` and `peek` of a read half, forwarding to the stream.
macro_rules! peek_methods {
    () => {
        /// Attempts to receive data on the socket, without removing that
        /// data from the queue, registering the current task for wakeup if
        /// data is not yet available (see [`TcpStream::poll_peek`]).
        pub fn poll_peek(
            &mut self,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<usize>> {
            self.stream().poll_peek(cx, buf)
        }

        /// Receives data on the socket from the remote address to which it
        /// is connected, without removing that data from the queue (see
        /// [`TcpStream::peek`]).
        pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.stream().peek(buf).await
        }
    };
}

impl ReadHalf<'_> {
    peek_methods!();
}

impl OwnedReadHalf {
    peek_methods!();
}
