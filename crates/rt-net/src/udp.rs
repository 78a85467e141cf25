//! `UdpSocket`.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::{ready, Context, Poll};

use rt_io::ReadBuf;
use rt_reactor::{Interest, PollEvented};

use crate::addr::{no_addresses, to_socket_addrs, ToSocketAddrs};

/// A UDP socket.
///
/// UDP is "connectionless", unlike TCP. Meaning, regardless of what address
/// you've bound to, a `UdpSocket` is free to communicate with many
/// different remotes. There are basically two main ways to use
/// `UdpSocket`:
///
/// * one to many: [`bind`](`UdpSocket::bind`) and use
///   [`send_to`](`UdpSocket::send_to`) and
///   [`recv_from`](`UdpSocket::recv_from`) to communicate with many
///   different addresses;
/// * one to one: [`connect`](`UdpSocket::connect`) and associate with a
///   single address, using [`send`](`UdpSocket::send`) and
///   [`recv`](`UdpSocket::recv`) to communicate only with that remote
///   address.
///
/// This type does not provide a `split` method, because this functionality
/// can be achieved by instead wrapping the socket in an `Arc`: every method
/// takes `&self`.
///
/// # Example: one to many (bind)
///
/// ```
/// use rt_net::UdpSocket;
///
/// # futures::executor::block_on(async {
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"hello", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (len, from) = b.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..len], b"hello");
/// assert_eq!(from, a.local_addr()?);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UdpSocket {
    io: PollEvented<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// This function will create a new UDP socket and attempt to bind it to
    /// the `addr` provided.
    ///
    /// Binding with a port number of 0 will request that the OS assigns a
    /// port to this socket. If `addr` yields multiple addresses, bind is
    /// attempted with each until one succeeds; otherwise the last error is
    /// returned.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        let addrs = to_socket_addrs(&addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match mio::net::UdpSocket::bind(addr).and_then(UdpSocket::new) {
                Ok(socket) => return Ok(socket),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    fn new(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: PollEvented::new(socket)?.without_deregister_on_drop(),
        })
    }

    /// Creates new `UdpSocket` from a previously bound
    /// `std::net::UdpSocket`.
    ///
    /// The caller is responsible for ensuring that the socket is in
    /// non-blocking mode.
    ///
    /// # Panics
    ///
    /// Panics if an rt runtime is current but has I/O disabled.
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Turns a `UdpSocket` into a `std::net::UdpSocket` (in non-blocking
    /// mode).
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.io.into_inner().map(std::net::UdpSocket::from)
    }

    /// Connects the UDP socket setting the default destination for send()
    /// and limiting packets that are read via recv from the address
    /// specified in `addr`.
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let addrs = to_socket_addrs(&addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match self.io.connect(addr) {
                Ok(()) => return Ok(()),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    /// Sends data on the socket to the given address. On success, returns
    /// the number of bytes written.
    ///
    /// Address type can be any implementor of [`ToSocketAddrs`]; only the
    /// first resolved address is used. It is an error (`InvalidInput`) if
    /// it resolves to none.
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let mut addrs = to_socket_addrs(&target).await?;
        match addrs.next() {
            Some(target) => {
                self.io
                    .registration()
                    .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
                    .await
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no addresses to send data to",
            )),
        }
    }

    /// Attempts to send data on the socket to a given address.
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_write_io(cx, || self.io.send_to(buf, target))
    }

    /// Tries to send data on the socket to the given address;
    /// `Err(WouldBlock)` if the socket is not ready.
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives a single datagram from the socket without removing it from
    /// the input queue. On success, returns the number of bytes read and
    /// the origin.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.peek_from(buf))
            .await
    }

    /// Receives data from the socket without removing it from the input
    /// queue, registering the current task for wakeup if none is ready.
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self
            .io
            .registration()
            .poll_read_io(cx, || self.io.peek_from(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(addr))
    }

    /// Tries to receive data on the socket without removing it from the
    /// queue; `Err(WouldBlock)` if none is ready.
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.peek_from(buf))
    }

    /// Retrieves the sender of the next datagram without removing it from
    /// the queue (and without reading its data).
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.peek_sender_inner())
            .await
    }

    /// Polls for the sender of the next datagram.
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io
            .registration()
            .poll_read_io(cx, || self.peek_sender_inner())
    }

    /// Tries to retrieve the sender of the next datagram;
    /// `Err(WouldBlock)` if none is ready.
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.peek_sender_inner())
    }

    fn peek_sender_inner(&self) -> io::Result<SocketAddr> {
        socket2::SockRef::from(&*self.io)
            .peek_sender()?
            .as_socket()
            .ok_or_else(|| io::Error::other("sender is not an IP address"))
    }

    /// Gets the value of the `SO_BROADCAST` option for this socket.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.broadcast()
    }

    /// Sets the value of the `SO_BROADCAST` option for this socket.
    ///
    /// When enabled, this socket is allowed to send packets to a broadcast
    /// address.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.set_broadcast(on)
    }

    /// Gets the value of the `IP_MULTICAST_LOOP` option for this socket.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.multicast_loop_v4()
    }

    /// Sets the value of the `IP_MULTICAST_LOOP` option for this socket.
    ///
    /// If enabled, multicast packets will be looped back to the local
    /// socket.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v4(on)
    }

    /// Gets the value of the `IP_MULTICAST_TTL` option for this socket.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.multicast_ttl_v4()
    }

    /// Sets the value of the `IP_MULTICAST_TTL` option for this socket.
    ///
    /// Indicates the time-to-live value of outgoing multicast packets for
    /// this socket. The default value is 1.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.set_multicast_ttl_v4(ttl)
    }

    /// Gets the value of the `IPV6_MULTICAST_LOOP` option for this socket.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.multicast_loop_v6()
    }

    /// Sets the value of the `IPV6_MULTICAST_LOOP` option for this socket.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v6(on)
    }

    /// Gets the value of the `IP_TTL` option for this socket.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the value for the `IP_TTL` option on this socket.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Executes an operation of the `IP_ADD_MEMBERSHIP` type.
    ///
    /// This function specifies a new multicast group for this socket to
    /// join. The address must be a valid multicast address, and `interface`
    /// is the address of the local interface with which the system should
    /// join the multicast group. If it's equal to `INADDR_ANY` then an
    /// appropriate interface is chosen by the system.
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.join_multicast_v4(&multiaddr, &interface)
    }

    /// Executes an operation of the `IPV6_ADD_MEMBERSHIP` type.
    ///
    /// This function specifies a new multicast group for this socket to
    /// join. The address must be a valid multicast address, and `interface`
    /// is the index of the interface to join/leave (or 0 to indicate any
    /// interface).
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.join_multicast_v6(multiaddr, interface)
    }

    /// Executes an operation of the `IP_DROP_MEMBERSHIP` type.
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.leave_multicast_v4(&multiaddr, &interface)
    }

    /// Executes an operation of the `IPV6_DROP_MEMBERSHIP` type.
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.leave_multicast_v6(multiaddr, interface)
    }
}

datagram_io!(UdpSocket, SocketAddr, std::convert::identity);
fd_traits!(UdpSocket, std::net::UdpSocket);
