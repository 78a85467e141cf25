//! UDP on a current-thread runtime driven by the reactor.

mod support;

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use rt_io::ReadBuf;
use rt_net::UdpSocket;
use rt_reactor::Interest;
use support::run;

#[test]
fn send_to_and_recv_from() {
    run(|_| async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b_addr = b.local_addr().unwrap();
        assert_eq!(a.send_to(b"one", b_addr).await.unwrap(), 3);
        assert_eq!(a.send_to(b"two", b_addr.to_string()).await.unwrap(), 3);
        let mut buf = [0u8; 16];
        let (n, from) = b.peek_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"one"[..], a.local_addr().unwrap()));
        assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"one"[..], a.local_addr().unwrap()));
        let mut storage = [0u8; 16];
        let mut rb = ReadBuf::new(&mut storage);
        let from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut rb))
            .await
            .unwrap();
        assert_eq!(rb.filled(), b"two");
        assert_eq!(from, a.local_addr().unwrap());
        // Nothing left.
        assert_eq!(
            b.try_recv_from(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let empty: &[SocketAddr] = &[];
        assert_eq!(
            a.send_to(b"x", empty).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    });
}

#[test]
fn connected_send_and_recv() {
    run(|_| async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
        a.send(b"ping").await.unwrap();
        let mut buf = [0u8; 8];
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"ping");
        // try_* with readiness.
        b.writable().await.unwrap();
        assert_eq!(b.try_send(b"pong").unwrap(), 4);
        let mut got = None;
        for _ in 0..100 {
            a.readable().await.unwrap();
            match a.try_recv(&mut buf) {
                Ok(n) => {
                    got = Some(buf[..n].to_vec());
                    break;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(got.unwrap(), b"pong");
        std::future::poll_fn(|cx| b.poll_send(cx, b"poll"))
            .await
            .unwrap();
        let mut storage = [0u8; 8];
        let mut rb = ReadBuf::new(&mut storage);
        std::future::poll_fn(|cx| a.poll_recv(cx, &mut rb))
            .await
            .unwrap();
        assert_eq!(rb.filled(), b"poll");
        b.send(b"buf").await.unwrap();
        let mut v = Vec::new();
        a.recv_buf(&mut v).await.unwrap();
        assert_eq!(v, b"buf");
        let ready = a.ready(Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable());
    });
}

#[test]
fn options_broadcast_multicast_ttl() {
    run(|_| async {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        s.set_broadcast(true).unwrap();
        assert!(s.broadcast().unwrap());
        s.set_ttl(17).unwrap();
        assert_eq!(s.ttl().unwrap(), 17);
        s.set_multicast_loop_v4(false).unwrap();
        assert!(!s.multicast_loop_v4().unwrap());
        s.set_multicast_ttl_v4(3).unwrap();
        assert_eq!(s.multicast_ttl_v4().unwrap(), 3);
        assert!(s.take_error().unwrap().is_none());

        let any = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        let group = Ipv4Addr::new(239, 255, 42, 99);
        match any.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED) {
            Ok(()) => any
                .leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED)
                .unwrap(),
            // A sandbox without a multicast route: the call reached the OS.
            Err(e) => assert!(e.raw_os_error().is_some(), "{e}"),
        }
        if let Ok(v6) = UdpSocket::bind("[::1]:0").await {
            v6.set_multicast_loop_v6(true).unwrap();
            assert!(v6.multicast_loop_v6().unwrap());
            let group = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x4242);
            match v6.join_multicast_v6(&group, 0) {
                Ok(()) => v6.leave_multicast_v6(&group, 0).unwrap(),
                Err(e) => assert!(e.raw_os_error().is_some(), "{e}"),
            }
        }
    });
}

#[test]
fn std_conversions_and_shared_use() {
    run(|_| async {
        let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        std_sock.set_nonblocking(true).unwrap();
        let s = std::sync::Arc::new(UdpSocket::try_from(std_sock).unwrap());
        let other = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        other.send_to(b"hi", s.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 2];
        let (n, _) = s.recv_from(&mut buf).await.unwrap();
        assert_eq!(n, 2);
        let s = std::sync::Arc::try_unwrap(s).unwrap();
        let std_back = s.into_std().unwrap();
        assert!(std_back.local_addr().unwrap().ip().is_loopback());
    });
}
