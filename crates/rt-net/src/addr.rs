//! `ToSocketAddrs` and `lookup_host`.
//!
//! Literal addresses resolve at once; host names are resolved with the
//! system resolver (`std::net::ToSocketAddrs`) off the async threads: on the
//! runtime's blocking pool when one is current, else on a plain thread.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::vec;

use rt_blocking::BlockingOrThread;

/// Converts or resolves without blocking to one or more `SocketAddr`
/// values.
///
/// # DNS
///
/// Implementations of `ToSocketAddrs` for string types require a DNS
/// lookup, which runs on the blocking pool of the current runtime (or on a
/// helper thread when no runtime is current).
///
/// # Calling
///
/// Currently, this trait is only used as an argument to rt functions that
/// need to reference a target socket address. To perform a `SocketAddr`
/// conversion directly, use [`lookup_host()`](super::lookup_host()).
///
/// This trait is sealed and is intended to be opaque. The details of the
/// trait will change. Stabilization is pending enhancements to the Rust
/// language.
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    //! The conversion itself, hidden from users.

    use super::MaybeReady;

    /// The conversion behind [`super::ToSocketAddrs`].
    pub trait ToSocketAddrsPriv {
        /// Starts the conversion.
        fn to_socket_addrs(&self, _: Internal) -> MaybeReady;
    }

    /// Makes `to_socket_addrs` uncallable outside this crate.
    #[allow(missing_debug_implementations)]
    pub struct Internal;
}

use sealed::{Internal, ToSocketAddrsPriv};

/// A conversion in progress (opaque).
#[allow(missing_debug_implementations)]
pub struct MaybeReady(State);

enum State {
    /// Resolved at once.
    Ready(Option<io::Result<Vec<SocketAddr>>>),
    /// A DNS look-up running off the async threads.
    Blocking(BlockingOrThread<io::Result<Vec<SocketAddr>>>),
}

impl Future for MaybeReady {
    type Output = io::Result<vec::IntoIter<SocketAddr>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let res = match &mut self.get_mut().0 {
            State::Ready(r) => r.take().expect("MaybeReady polled after completion"),
            State::Blocking(b) => ready!(Pin::new(b).poll(cx)).and_then(|r| r),
        };
        Poll::Ready(res.map(Vec::into_iter))
    }
}

pub(crate) fn to_socket_addrs<T: ToSocketAddrs + ?Sized>(addr: &T) -> MaybeReady {
    addr.to_socket_addrs(Internal)
}

fn ready_one(addr: SocketAddr) -> MaybeReady {
    MaybeReady(State::Ready(Some(Ok(vec![addr]))))
}

fn resolve<A>(host: A) -> MaybeReady
where
    A: std::net::ToSocketAddrs + Send + 'static,
{
    let lookup = rt_blocking::spawn_blocking_or_thread("rt-net-blocking", move || {
        std::net::ToSocketAddrs::to_socket_addrs(&host).map(Iterator::collect)
    });
    MaybeReady(match lookup {
        Ok(running) => State::Blocking(running),
        Err(e) => State::Ready(Some(Err(e))),
    })
}

/// The error when an address list resolved to nothing (std's wording).
pub(crate) fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any address",
    )
}

/// Performs a DNS resolution.
///
/// The returned iterator may not actually yield any values depending on
/// the outcome of any resolution performed.
///
/// This API is not intended to cover all DNS use cases. Anything beyond
/// the basic use case should be done with a specialized library.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// for addr in rt_net::lookup_host("127.0.0.1:3000").await? {
///     assert_eq!(addr.port(), 3000);
/// }
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn lookup_host<T>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>>
where
    T: ToSocketAddrs,
{
    to_socket_addrs(&host).await
}

// ===== impls =====

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrsPriv for &T {
    fn to_socket_addrs(&self, internal: Internal) -> MaybeReady {
        (**self).to_socket_addrs(internal)
    }
}

impl ToSocketAddrs for SocketAddr {}

impl ToSocketAddrsPriv for SocketAddr {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        ready_one(*self)
    }
}

impl ToSocketAddrs for SocketAddrV4 {}

impl ToSocketAddrsPriv for SocketAddrV4 {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        ready_one(SocketAddr::V4(*self))
    }
}

impl ToSocketAddrs for SocketAddrV6 {}

impl ToSocketAddrsPriv for SocketAddrV6 {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        ready_one(SocketAddr::V6(*self))
    }
}

impl ToSocketAddrs for (IpAddr, u16) {}

impl ToSocketAddrsPriv for (IpAddr, u16) {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        ready_one(SocketAddr::from(*self))
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {}

impl ToSocketAddrsPriv for (Ipv4Addr, u16) {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        ready_one(SocketAddr::from(*self))
    }
}

impl ToSocketAddrs for (Ipv6Addr, u16) {}

impl ToSocketAddrsPriv for (Ipv6Addr, u16) {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        ready_one(SocketAddr::from(*self))
    }
}

impl ToSocketAddrs for [SocketAddr] {}

impl ToSocketAddrsPriv for [SocketAddr] {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        MaybeReady(State::Ready(Some(Ok(self.to_vec()))))
    }
}

impl ToSocketAddrs for str {}

impl ToSocketAddrsPriv for str {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return ready_one(addr);
        }
        resolve(self.to_owned())
    }
}

impl ToSocketAddrs for String {}

impl ToSocketAddrsPriv for String {
    fn to_socket_addrs(&self, internal: Internal) -> MaybeReady {
        self.as_str().to_socket_addrs(internal)
    }
}

impl ToSocketAddrs for (&str, u16) {}

impl ToSocketAddrsPriv for (&str, u16) {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        let (host, port) = *self;
        if let Ok(ip) = host.parse::<IpAddr>() {
            return ready_one(SocketAddr::new(ip, port));
        }
        resolve((host.to_owned(), port))
    }
}

impl ToSocketAddrs for (String, u16) {}

impl ToSocketAddrsPriv for (String, u16) {
    fn to_socket_addrs(&self, internal: Internal) -> MaybeReady {
        (self.0.as_str(), self.1).to_socket_addrs(internal)
    }
}
