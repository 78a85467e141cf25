//! Networking through the facade on the current-thread runtime.
#![cfg(all(
    feature = "net",
    feature = "macros",
    feature = "io-util",
    feature = "time"
))]

use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream, UdpSocket};

#[rt::test(flavor = "current_thread")]
async fn tcp_echo_many_clients() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt::spawn(async move {
        for _ in 0..20 {
            let (mut sock, _) = listener.accept().await.unwrap();
            rt::spawn(async move {
                let mut buf = [0u8; 1024];
                loop {
                    let n = sock.read(&mut buf).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    sock.write_all(&buf[..n]).await.unwrap();
                }
            });
        }
    });
    let mut clients = Vec::new();
    for i in 0..20u8 {
        clients.push(rt::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let msg = vec![i; 10_000];
            s.write_all(&msg).await.unwrap();
            let mut back = vec![0u8; msg.len()];
            s.read_exact(&mut back).await.unwrap();
            assert_eq!(back, msg);
        }));
    }
    for c in clients {
        rt::time::timeout(Duration::from_secs(20), c)
            .await
            .expect("client timed out")
            .unwrap();
    }
    server.await.unwrap();
}

#[rt::test(flavor = "current_thread")]
async fn udp_ping_pong() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    for i in 0..100u32 {
        b.send(&i.to_le_bytes()).await.unwrap();
        let mut buf = [0u8; 4];
        let (n, from) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!(n, 4);
        assert_eq!(u32::from_le_bytes(buf), i);
        a.send_to(&buf, from).await.unwrap();
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(n, 4);
    }
}

#[test]
fn io_fails_cleanly_after_runtime_shutdown() {
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    drop(rt);
    let rt2 = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let r =
        rt2.block_on(async { rt::time::timeout(Duration::from_secs(5), listener.accept()).await });
    let err = r
        .expect("accept hung after its runtime shut down")
        .unwrap_err();
    assert!(err.to_string().contains("shut"), "{err}");
}
