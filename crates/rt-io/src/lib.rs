//! Traits, helpers, and type definitions for asynchronous I/O functionality,
//! mirroring `tokio::io` (re-exported by the `rt` facade as `rt::io`).
//!
//! This crate has no runtime of its own: everything here is driven by the
//! `poll_*` methods and works under any executor.
//!
//! # `AsyncRead` and `AsyncWrite`
//!
//! Asynchronous counterparts of [`std::io::Read`] and [`std::io::Write`]:
//! [`AsyncRead`] and [`AsyncWrite`]. They are not used directly so much as
//! through their extension traits, [`AsyncReadExt`] and [`AsyncWriteExt`],
//! whose methods return futures:
//!
//! ```
//! use rt_io::{AsyncReadExt, AsyncWriteExt};
//!
//! # futures::executor::block_on(async {
//! let mut reader: &[u8] = b"hello";
//! let mut buffer = [0; 10];
//! let n = reader.read(&mut buffer).await?;
//! assert_eq!(&buffer[..n], b"hello");
//!
//! let mut out = Vec::new();
//! out.write_all(&buffer[..n]).await?;
//! assert_eq!(out, b"hello");
//! # std::io::Result::Ok(()) }).unwrap();
//! ```
//!
//! # Buffered readers and writers
//!
//! [`AsyncBufRead`] (with [`AsyncBufReadExt`]) is the counterpart of
//! [`std::io::BufRead`]; [`BufReader`], [`BufWriter`] and [`BufStream`] add a
//! buffer to any reader or writer.
//!
//! # Utilities
//!
//! [`copy`], [`copy_buf`], [`copy_bidirectional`], [`split`], the in-memory
//! pipes [`duplex`] and [`simplex`], [`empty`], [`sink`], [`repeat`] and
//! [`join`].
//!
//! # Differences from Tokio
//!
//! * `read_buf`, `write_buf` and `write_all_buf` take this crate's [`Buf`] /
//!   [`BufMut`] instead of the `bytes` crate's traits (see [`buf`] and the
//!   crate README).
//! * `duplex`, `simplex`, `SimplexStream::new_unsplit` and
//!   `copy_bidirectional_with_sizes` panic on a zero buffer size instead of
//!   hanging.
//!
//! # Standard I/O and the cooperative budget
//!
//! With the feature `io-std`, `stdin()`, `stdout()` and `stderr()` run
//! their blocking reads and writes on the current runtime's blocking pool
//! (on a helper thread when no rt runtime is current).
//!
//! `copy`, `copy_buf`, `copy_bidirectional`, the in-memory pipes
//! (`duplex`, `simplex`) and `empty`, `sink`, `repeat` spend the task's
//! cooperative budget (`rt_task::coop`), so a task copying between
//! always-ready ends still yields to its peers inside an rt runtime.

#![warn(missing_docs, missing_debug_implementations)]
#![deny(unsafe_op_in_unsafe_fn)]

mod async_buf_read;
mod async_read;
mod async_seek;
mod async_write;
pub mod buf;
mod halves;
mod read_buf;
mod util;

#[cfg(feature = "futures-io")]
pub mod compat;

#[cfg(feature = "io-std")]
mod stdio;
#[cfg(feature = "io-std")]
pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};

pub use std::io::{Error, ErrorKind, Result, SeekFrom};

pub use async_buf_read::AsyncBufRead;
pub use async_read::AsyncRead;
pub use async_seek::AsyncSeek;
pub use async_write::AsyncWrite;
pub use buf::{Buf, BufMut};
pub use halves::{split, ReadHalf, WriteHalf};
pub use read_buf::ReadBuf;
pub use util::{
    copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty, join, repeat,
    simplex, sink, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufStream, BufWriter, Chain, DuplexStream, Empty, Join, Lines, Repeat, SimplexStream, Sink,
    Split, Take,
};
