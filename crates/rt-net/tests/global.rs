//! With no rt runtime current, sockets use the global reactor thread and
//! work under other executors.

use std::net::SocketAddr;
use std::sync::Arc;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{lookup_host, TcpListener, TcpStream, UdpSocket, UnixStream};

#[test]
fn tcp_under_futures_block_on() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = async {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.unwrap();
            s.write_all(&buf).await.unwrap();
        };
        let client = async {
            let mut c = TcpStream::connect(addr).await.unwrap();
            c.write_all(b"hello").await.unwrap();
            let mut buf = [0u8; 5];
            c.read_exact(&mut buf).await.unwrap();
            buf
        };
        let ((), got) = futures::join!(server, client);
        assert_eq!(&got, b"hello");
    });
}

#[test]
fn tcp_and_udp_under_async_executor() {
    let ex = Arc::new(async_executor::Executor::new());
    let total = futures::executor::block_on(ex.run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = ex.spawn(async move {
            let mut total = 0;
            for _ in 0..4 {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut v = Vec::new();
                s.read_to_end(&mut v).await.unwrap();
                total += v.len();
            }
            total
        });
        let mut clients = Vec::new();
        for i in 0..4usize {
            clients.push(ex.spawn(async move {
                let mut c = TcpStream::connect(addr).await.unwrap();
                c.write_all(&vec![7u8; 1000 * (i + 1)]).await.unwrap();
                c.shutdown().await.unwrap();
            }));
        }
        for c in clients {
            c.await;
        }
        let udp_a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let udp_b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        udp_a
            .send_to(b"u", udp_b.local_addr().unwrap())
            .await
            .unwrap();
        let mut b = [0; 1];
        udp_b.recv_from(&mut b).await.unwrap();
        let (mut x, mut y) = UnixStream::pair().unwrap();
        x.write_all(b"unix").await.unwrap();
        let mut b = [0; 4];
        y.read_exact(&mut b).await.unwrap();
        server.await
    }));
    assert_eq!(total, 1000 + 2000 + 3000 + 4000);
}

#[test]
fn lookup_host_without_a_runtime_uses_a_thread() {
    let addrs: Vec<SocketAddr> =
        futures::executor::block_on(async { lookup_host("localhost:9").await.unwrap().collect() });
    assert!(!addrs.is_empty());
    assert!(addrs.iter().all(|a| a.port() == 9 && a.ip().is_loopback()));
}
