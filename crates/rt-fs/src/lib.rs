//! Asynchronous file utilities, mirroring `tokio::fs` (re-exported by the
//! `rt` facade as `rt::fs` with the feature `fs`).
//!
//! This module contains utility methods for working with the file system
//! asynchronously. This includes reading/writing to files, and working with
//! directories.
//!
//! Be aware that most operating systems do not provide asynchronous file
//! system APIs. Because of that, rt-fs uses ordinary blocking file
//! operations behind the scenes. This is done using the runtime's blocking
//! thread pool (`rt_blocking::spawn_blocking`); each trip there and back is
//! a *hop*. rt-fs spends as few hops as it can (see the crate README):
//!
//! * the free functions ([`read`], [`write()`], [`metadata`]...) are one hop
//!   each, like Tokio's;
//! * [`File`] reads ahead on regular files (a small file comes whole, with
//!   its end-of-file mark, in one hop; long sequential reads grow their
//!   chunk and prefetch the next one while the task copies), and coalesces
//!   writes made while a background write runs;
//! * [`read_dir`] opens the directory and reads its first entries in one
//!   hop, then reads growing batches, each in the background while the
//!   previous one is consumed;
//! * on Linux, opening a regular file for reading and reading data that is
//!   in the page cache take no hop at all: system calls that the kernel
//!   promises not to block (`openat2` with `RESOLVE_CACHED`, `preadv2` with
//!   `RWF_NOWAIT`) run on the task's thread, and anything that would block
//!   goes to the pool (see the crate README).
//!
//! # Errors
//!
//! Errors are `std::fs`'s own, unchanged: same [`std::io::ErrorKind`], same
//! `raw_os_error()`, same message. The path is *not* added to the message
//! (neither `std` nor Tokio add it): an `io::Error` that carries a custom
//! message loses its OS error code, and code that matches on
//! `raw_os_error()` would break. A closure that never ran because the
//! runtime shut down gives an error of kind `Other` ("background task
//! failed").
//!
//! # Runtime
//!
//! Every operation that needs the blocking pool panics, when first polled,
//! outside the context of an rt runtime, with the message of
//! `rt_blocking::spawn_blocking` ("there is no reactor running, must be
//! called from the context of an rt runtime"). [`File::from_std`],
//! [`OpenOptions`] and [`DirBuilder`] configuration, and reading bytes
//! already buffered do not need one.
//!
//! # Example
//!
//! ```no_run
//! use rt_io::{AsyncReadExt, AsyncWriteExt};
//!
//! # async fn dox() -> std::io::Result<()> {
//! rt_fs::write("hello.txt", b"Hello world!").await?;
//! let mut file = rt_fs::File::open("hello.txt").await?;
//! let mut contents = String::new();
//! file.read_to_string(&mut contents).await?;
//! assert_eq!(contents, "Hello world!");
//!
//! let mut log = rt_fs::OpenOptions::new().append(true).create(true).open("log.txt").await?;
//! log.write_all(b"one line\n").await?;
//! log.flush().await?; // waits for the background write, reports its error
//! # Ok(())
//! # }
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations)]

mod blocking;
mod dir_builder;
mod file;
mod open_options;
mod ops;
mod read_dir;
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
mod sys;

#[cfg(test)]
mod hop_tests;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use open_options::OpenOptions;
#[cfg(unix)]
pub use ops::symlink;
pub use ops::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions,
    symlink_metadata, try_exists, write,
};
pub use read_dir::{read_dir, DirEntry, ReadDir};
