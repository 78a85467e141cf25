//! TCP on a current-thread runtime driven by the reactor.

mod support;

use std::io::{ErrorKind, IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use rt_io::{AsyncReadExt, AsyncWriteExt, ReadBuf};
use rt_net::{lookup_host, TcpListener, TcpSocket, TcpStream};
use rt_reactor::Interest;
use support::{run, Rt};

async fn connected_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
    (client, server)
}

#[test]
fn echo_with_a_spawned_server() {
    let rt = Rt::new();
    let listener = rt
        .block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt.spawn(async move {
        for _ in 0..4 {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 1024];
            loop {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                s.write_all(&buf[..n]).await.unwrap();
            }
        }
    });
    rt.block_on(async move {
        for i in 0..4u8 {
            let mut c = TcpStream::connect(addr).await.unwrap();
            let msg = vec![i; 100_000];
            let (mut r, mut w) = c.split();
            let write = async {
                w.write_all(&msg).await.unwrap();
                w.shutdown().await.unwrap();
            };
            let read = async {
                let mut got = Vec::new();
                r.read_to_end(&mut got).await.unwrap();
                got
            };
            let ((), got) = futures::join!(write, read);
            assert_eq!(got, msg);
        }
        server.await.unwrap();
    });
    rt.shutdown();
}

#[test]
fn into_split_reunite_and_drop_shuts_down_writes() {
    run(|_| async {
        let (client, mut server) = connected_pair().await;
        let (r, w) = client.into_split();
        let (r2, w2) = connected_pair().await.0.into_split();
        // Halves of different streams do not reunite.
        let err = r.reunite(w2).unwrap_err();
        assert!(err.to_string().contains("not from the same socket"));
        let (r, w2) = (err.0, err.1);
        let client = r.reunite(w).unwrap();
        drop((r2, w2));
        let (mut r, mut w) = client.into_split();
        w.write_all(b"owned").await.unwrap();
        let mut buf = [0; 5];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"owned");
        // Dropping the write half shuts down the write direction.
        drop(w);
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        // The read half still works.
        server.write_all(b"back").await.unwrap();
        let mut buf = [0; 4];
        r.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"back");
        assert_eq!(r.peer_addr().unwrap(), server.local_addr().unwrap());
    });
}

#[test]
fn forget_keeps_the_write_side_open() {
    run(|_| async {
        let (client, mut server) = connected_pair().await;
        let (r, w) = client.into_split();
        w.forget();
        let mut buf = [0u8; 1];
        // Nothing arrives, and no EOF either.
        assert_eq!(
            server.try_read(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        drop(r);
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
fn peek_leaves_the_data() {
    run(|_| async {
        let (mut client, server) = connected_pair().await;
        client.write_all(b"peekaboo").await.unwrap();
        let mut buf = [0; 8];
        let mut n = 0;
        for _ in 0..1000 {
            n = server.peek(&mut buf).await.unwrap();
            if n == 8 {
                break;
            }
        }
        assert_eq!(&buf[..n], b"peekaboo");
        let mut storage = [0u8; 4];
        let mut rb = ReadBuf::new(&mut storage);
        let n = std::future::poll_fn(|cx| server.poll_peek(cx, &mut rb))
            .await
            .unwrap();
        assert_eq!(n, 4);
        assert_eq!(rb.filled(), b"peek");
        let mut all = [0; 8];
        let mut server = server;
        server.read_exact(&mut all).await.unwrap();
        assert_eq!(&all, b"peekaboo");
    });
}

#[test]
fn try_read_and_try_write() {
    run(|_| async {
        let (client, server) = connected_pair().await;
        let ready = client.ready(Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable());
        client.writable().await.unwrap();
        assert_eq!(client.try_write(b"abc").unwrap(), 3);
        let n = client
            .try_write_vectored(&[IoSlice::new(b"de"), IoSlice::new(b"f")])
            .unwrap();
        assert_eq!(n, 3);
        let mut got = Vec::new();
        for _ in 0..100 {
            server.readable().await.unwrap();
            let mut a = [0u8; 2];
            let mut b = [0u8; 10];
            match server.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
            {
                Ok(n) => {
                    let mut all = a.to_vec();
                    all.extend_from_slice(&b);
                    got.extend_from_slice(&all[..n]);
                    if got.len() == 6 {
                        break;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(got, b"abcdef");
        // Nothing more: WouldBlock, and readiness is cleared.
        assert_eq!(
            server.try_read(&mut [0; 4]).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        client.try_write(b"buf").unwrap();
        let mut v = Vec::new();
        for _ in 0..100 {
            server.readable().await.unwrap();
            match server.try_read_buf(&mut v) {
                Ok(_) if v.len() == 3 => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(v, b"buf");
        let n = server.try_io(Interest::WRITABLE, || Ok(7)).unwrap();
        assert_eq!(n, 7);
    });
}

#[test]
fn socket_options() {
    run(|_| async {
        let (client, _server) = connected_pair().await;
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_nodelay(false).unwrap();
        assert!(!client.nodelay().unwrap());
        client.set_linger(Some(Duration::from_secs(2))).unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::from_secs(2)));
        client.set_linger(None).unwrap();
        assert_eq!(client.linger().unwrap(), None);
        client.set_ttl(33).unwrap();
        assert_eq!(client.ttl().unwrap(), 33);
        assert!(client.take_error().unwrap().is_none());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.set_ttl(44).unwrap();
        assert_eq!(listener.ttl().unwrap(), 44);
    });
}

#[test]
fn std_conversions() {
    run(|_| async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        let addr = listener.local_addr().unwrap();
        let std_client = std::net::TcpStream::connect(addr).unwrap();
        std_client.set_nonblocking(true).unwrap();
        let mut client = TcpStream::try_from(std_client).unwrap();
        let (server, _) = listener.accept().await.unwrap();
        client.write_all(b"x").await.unwrap();
        let mut std_server = server.into_std().unwrap();
        std_server.set_nonblocking(false).unwrap();
        let mut b = [0u8; 1];
        std::io::Read::read_exact(&mut std_server, &mut b).unwrap();
        assert_eq!(&b, b"x");
        let std_listener = listener.into_std().unwrap();
        assert_eq!(std_listener.local_addr().unwrap(), addr);
    });
}

#[test]
fn refused_connection_is_connection_refused() {
    run(|_| async {
        let addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let err = TcpStream::connect(addr).await.unwrap_err();
        let std_err = std::net::TcpStream::connect(addr).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
        assert_eq!(err.kind(), std_err.kind());
        let err = TcpSocket::new_v4()
            .unwrap()
            .connect(addr)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    });
}

#[test]
fn bad_addresses_give_std_error_kinds() {
    run(|_| async {
        for bad in ["not an address", "127.0.0.1", "127.0.0.1:99999", "[::1"] {
            let ours = TcpStream::connect(bad).await.unwrap_err();
            let std = std::net::ToSocketAddrs::to_socket_addrs(bad).unwrap_err();
            assert_eq!(ours.kind(), std.kind(), "{bad}");
            let ours = TcpListener::bind(bad).await.unwrap_err();
            assert_eq!(ours.kind(), std.kind(), "{bad}");
            assert_eq!(lookup_host(bad).await.err().unwrap().kind(), std.kind());
        }
        let empty: &[SocketAddr] = &[];
        let err = TcpStream::connect(empty).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn closed_peer_gives_eof_then_write_errors() {
    run(|_| async {
        let (mut client, server) = connected_pair().await;
        drop(server);
        let mut buf = [0u8; 8];
        assert_eq!(client.read(&mut buf).await.unwrap(), 0);
        // Writing to a closed peer fails as it does with std (first write
        // may be accepted; the RST makes a later one fail).
        let mut err = None;
        for _ in 0..100 {
            match client.write(&[1u8; 1024]).await {
                Ok(_) => {}
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        let kind = err.expect("writes to a closed peer kept succeeding").kind();
        assert!(
            kind == ErrorKind::BrokenPipe || kind == ErrorKind::ConnectionReset,
            "{kind:?}"
        );
    });
}

#[test]
fn ipv6_loopback() {
    run(|_| async {
        let listener = match TcpListener::bind("[::1]:0").await {
            Ok(l) => l,
            // No IPv6 on this machine: nothing to test.
            Err(e) if e.kind() == ErrorKind::AddrNotAvailable => return,
            Err(e) => panic!("{e}"),
        };
        let addr = listener.local_addr().unwrap();
        assert!(addr.is_ipv6());
        let sock = TcpSocket::new_v6().unwrap();
        let mut c = sock.connect(addr).await.unwrap();
        let (mut s, _) = listener.accept().await.unwrap();
        c.write_all(b"v6").await.unwrap();
        let mut b = [0; 2];
        s.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"v6");
    });
}

#[test]
fn tcp_socket_configuration() {
    run(|_| async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        assert!(socket.reuseaddr().unwrap());
        socket.set_reuseport(true).unwrap();
        assert!(socket.reuseport().unwrap());
        socket.set_keepalive(true).unwrap();
        assert!(socket.keepalive().unwrap());
        socket.set_send_buffer_size(64 * 1024).unwrap();
        assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
        socket.set_recv_buffer_size(64 * 1024).unwrap();
        assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
        socket.set_nodelay(true).unwrap();
        assert!(socket.nodelay().unwrap());
        socket.set_linger(Some(Duration::from_secs(1))).unwrap();
        assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(1)));
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = socket.local_addr().unwrap();
        assert_ne!(addr.port(), 0);
        assert!(socket.take_error().unwrap().is_none());
        let listener = socket.listen(16).unwrap();
        assert_eq!(listener.local_addr().unwrap(), addr);
        // A second socket may bind the same port thanks to SO_REUSEPORT.
        let second = TcpSocket::new_v4().unwrap();
        second.set_reuseport(true).unwrap();
        second.set_reuseaddr(true).unwrap();
        second.bind(addr).unwrap();
        let stream = TcpSocket::new_v4().unwrap().connect(addr).await.unwrap();
        let (_, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, stream.local_addr().unwrap());
        let std_stream = std::net::TcpStream::connect(addr).unwrap();
        drop(std_stream);
        let s = TcpSocket::from_std_stream(
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                .unwrap()
                .into(),
        );
        s.set_nodelay(true).unwrap();
    });
}

#[test]
fn many_tasks_accept_on_one_listener() {
    let rt = Rt::new();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = std::sync::Arc::new(listener);
    let mut acceptors = Vec::new();
    for _ in 0..8 {
        let l = listener.clone();
        acceptors.push(rt.spawn(async move { l.accept().await.map(|_| ()) }));
    }
    rt.block_on(async move {
        let mut clients = Vec::new();
        for _ in 0..8 {
            clients.push(TcpStream::connect(addr).await.unwrap());
        }
        for a in acceptors {
            a.await.unwrap().unwrap();
        }
    });
    rt.shutdown();
}

#[test]
fn poll_accept_works() {
    run(|_| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let c = std::net::TcpStream::connect(addr).unwrap();
        let (s, peer) = std::future::poll_fn(|cx| listener.poll_accept(cx))
            .await
            .unwrap();
        assert_eq!(peer, c.local_addr().unwrap());
        assert_eq!(s.local_addr().unwrap(), addr);
    });
}

#[test]
fn lookup_host_resolves_names_on_the_blocking_pool() {
    let rt = Rt::new();
    let spawner = rt.blocking();
    let addrs: Vec<SocketAddr> =
        rt.block_on(async { lookup_host("localhost:4242").await.unwrap().collect() });
    assert!(!addrs.is_empty());
    assert!(addrs
        .iter()
        .all(|a| a.port() == 4242 && a.ip().is_loopback()));
    // The look-up ran on the pool.
    assert!(spawner.num_blocking_threads() >= 1);
    let addrs: Vec<SocketAddr> =
        rt.block_on(async { lookup_host(("localhost", 80)).await.unwrap().collect() });
    assert!(addrs.iter().all(|a| a.port() == 80));
    let literal: Vec<SocketAddr> = rt.block_on(async {
        lookup_host(("127.0.0.1".to_string(), 7))
            .await
            .unwrap()
            .collect()
    });
    assert_eq!(literal, vec!["127.0.0.1:7".parse().unwrap()]);
    rt.shutdown();
}

#[test]
fn pending_reads_fail_when_the_runtime_shuts_down() {
    let rt = Rt::new();
    let (client, server) = rt.block_on(connected_pair());
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        let mut client = client;
        let res = futures::executor::block_on(async {
            let mut buf = [0u8; 4];
            client.read(&mut buf).await
        });
        tx.send(res).unwrap();
        let later = futures::executor::block_on(client.write_all(b"x"));
        (later, server)
    });
    // Give the reader time to park (the assertion holds either way: a read
    // started after the shutdown fails too).
    std::thread::sleep(Duration::from_millis(50));
    rt.shutdown();
    let res = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("a pending read hung after shutdown");
    let err = res.unwrap_err();
    assert_eq!(err.to_string(), rt_reactor::SHUTDOWN_MSG);
    let (later, _server) = t.join().unwrap();
    assert!(later.is_err());
}

/// Sockets close without an `EPOLL_CTL_DEL`. A duplicate of a dropped
/// stream's fd keeps the old epoll entry alive: its events carry the old
/// token and must never reach the streams that reuse the slot (or the fd
/// number), which keep working.
#[test]
fn a_duplicate_outliving_a_dropped_stream_disturbs_no_one() {
    use std::io::Write as _;
    use std::os::fd::AsFd;

    let rt = Rt::new();
    rt.block_on(async {
        let (client, server) = connected_pair().await;
        let dup = std::net::TcpStream::from(client.as_fd().try_clone_to_owned().unwrap());
        let slots = rt_reactor::Handle::current().num_registrations();
        drop(client);
        assert_eq!(rt_reactor::Handle::current().num_registrations(), slots - 1);
        let mut server = server;
        for round in 0..20u8 {
            // New streams, often in the freed slot and fd number.
            let (mut a, mut b) = connected_pair().await;
            // Traffic on the duplicate raises events under the old token.
            server.write_all(&[round; 64]).await.unwrap();
            (&dup).write_all(&[round; 8]).unwrap();
            let mut buf = [0u8; 8];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(buf, [round; 8]);
            // The new pair sees only its own data.
            let mut one = [0u8; 1];
            assert_eq!(
                b.try_read(&mut one).map_err(|e| e.kind()),
                Err(ErrorKind::WouldBlock)
            );
            a.write_all(b"x").await.unwrap();
            b.read_exact(&mut one).await.unwrap();
            assert_eq!(&one, b"x");
        }
        drop(dup);
    });
}

/// `set_zero_linger`: the option reads back as zero, and closing resets the
/// connection: the peer's read fails with `ConnectionReset`.
#[test]
fn zero_linger_resets_the_connection_on_close() {
    let rt = Rt::new();
    rt.block_on(async {
        let (client, mut server) = connected_pair().await;
        client.set_zero_linger().unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
        drop(client);
        let mut buf = [0u8; 8];
        let err = server.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);

        let socket = TcpSocket::new_v4().unwrap();
        socket.set_zero_linger().unwrap();
        assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
    });
}

/// Reads that fill their buffer exactly: several messages queued at once
/// are all read (readiness stays while data is left), and a message sent
/// after the queue was drained still wakes the reader.
#[test]
fn exact_size_reads_see_queued_and_later_messages() {
    run(|_| async {
        let (mut client, mut server) = connected_pair().await;
        let msgs: Vec<Vec<u8>> = (0..4u8).map(|i| vec![i; 64]).collect();
        let mut buf = [0u8; 64];
        // One message first: the full read that follows turns on the
        // queue-length hint.
        client.write_all(&msgs[0]).await.unwrap();
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf[..], &msgs[0][..]);
        // Two messages queued together: both are read.
        client
            .write_all(&[&msgs[1][..], &msgs[2][..]].concat())
            .await
            .unwrap();
        for msg in &msgs[1..3] {
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf[..], &msg[..]);
        }
        // The queue is drained; a later message still arrives.
        let reader = async {
            server.read_exact(&mut buf).await.unwrap();
            buf
        };
        let writer = async {
            client.write_all(&msgs[3]).await.unwrap();
        };
        let (got, ()) = futures::join!(reader, writer);
        assert_eq!(&got[..], &msgs[3][..]);
        // End of stream after exact reads is still seen.
        client.shutdown().await.unwrap();
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
    });
}

/// On Linux, an exact-size read that drained the receive queue clears the
/// read readiness (no `WouldBlock` read is needed to find out), and
/// `into_std` hands the socket back with `TCP_INQ` off.
#[cfg(target_os = "linux")]
#[test]
fn drained_exact_reads_clear_readiness_and_into_std_restores_the_socket() {
    use std::os::unix::io::AsRawFd;
    use std::task::Poll;

    fn tcp_inq(fd: std::os::unix::io::RawFd) -> libc::c_int {
        let mut value: libc::c_int = -1;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `value` and `len` are valid for writes and describe an
        // int-sized buffer; `fd` is an open socket.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_TCP,
                libc::TCP_INQ,
                (&mut value as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        assert_eq!(rc, 0, "getsockopt(TCP_INQ)");
        value
    }

    run(|_| async {
        let (mut client, mut server) = connected_pair().await;
        let mut buf = [0u8; 32];
        assert_eq!(tcp_inq(server.as_raw_fd()), 0);
        for round in 0..3u8 {
            client.write_all(&[round; 32]).await.unwrap();
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(buf, [round; 32]);
        }
        assert_eq!(tcp_inq(server.as_raw_fd()), 1, "turned on by full reads");
        let pending =
            std::future::poll_fn(|cx| Poll::Ready(server.poll_read_ready(cx).is_pending())).await;
        assert!(pending, "a drained exact read clears the readiness");
        let std_server = server.into_std().unwrap();
        assert_eq!(tcp_inq(std_server.as_raw_fd()), 0);
    });
}
