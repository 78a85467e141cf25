//! TCP utility types: the halves of a split [`TcpStream`](crate::TcpStream).

mod inq;
pub(crate) mod listener;
pub(crate) mod socket;
pub(crate) mod split;
pub(crate) mod stream;

pub(crate) use split::{split, split_owned};
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
