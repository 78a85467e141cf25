//! Unix specific network types: the halves of a split
//! [`UnixStream`](crate::UnixStream), the socket address type, and peer
//! credentials.

pub(crate) mod datagram;
pub(crate) mod listener;
pub mod pipe;
mod socketaddr;
pub(crate) mod split;
pub(crate) mod stream;
mod ucred;

pub use socketaddr::SocketAddr;
pub(crate) use split::{split, split_owned};
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub(crate) use ucred::get_peer_cred;
pub use ucred::{gid_t, pid_t, uid_t, UCred};
