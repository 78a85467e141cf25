//! Traits, helpers, and type definitions for asynchronous I/O.
//!
//! Mirrors `tokio::io`: the traits and [`ReadBuf`] are always available; the
//! extension traits and utilities need the `io-util` feature. See the
//! `rt-io` crate for where rt's buffer traits differ from the `bytes` crate.

pub use rt_io::{
    AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, Error, ErrorKind, ReadBuf, Result, SeekFrom,
};

#[cfg(feature = "io-util")]
pub use rt_io::{
    copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty, join, repeat,
    simplex, sink, split, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufStream, BufWriter, DuplexStream, Empty, Join, Lines, ReadHalf, Repeat, SimplexStream, Sink,
    Split, Take, WriteHalf,
};

#[cfg(feature = "io-util")]
pub use rt_io::{Buf, BufMut};

#[cfg(feature = "futures-io")]
pub use rt_io::compat;

#[cfg(feature = "io-std")]
pub use rt_io::{stderr, stdin, stdout, Stderr, Stdin, Stdout};

#[cfg(feature = "net")]
pub use rt_reactor::{Interest, Ready};

/// Asynchronous I/O on raw Unix file descriptors.
#[cfg(all(unix, feature = "net"))]
pub mod unix {
    pub use rt_reactor::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdTryNewError, TryIoError,
    };
}
