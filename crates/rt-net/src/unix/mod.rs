//! Unix specific network types: the halves of a split
//! [`UnixStream`](crate::UnixStream), the socket address type, and peer
//! credentials.

pub(crate) mod datagram;
pub(crate) mod listener;
mod socketaddr;
pub(crate) mod split;
pub(crate) mod split_owned;
pub(crate) mod stream;
mod ucred;

pub use socketaddr::SocketAddr;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub(crate) use ucred::get_peer_cred;
pub use ucred::{gid_t, pid_t, uid_t, UCred};
