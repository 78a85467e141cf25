//! TCP utility types: the halves of a split [`TcpStream`](crate::TcpStream).

pub(crate) mod listener;
pub(crate) mod socket;
pub(crate) mod split;
pub(crate) mod split_owned;
pub(crate) mod stream;

pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
