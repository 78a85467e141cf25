//! The halves of a split [`UnixStream`]: borrowed ([`UnixStream::split`])
//! and owned ([`UnixStream::into_split`], shared through an `Arc`, with
//! `reunite`). The types come from the `stream_halves!` macro shared with
//! the TCP halves.

use crate::unix::SocketAddr;
use crate::UnixStream;

stream_halves!(UnixStream, SocketAddr, "Unix");
