//! A UDP echo server: every datagram goes back to its sender.
//!
//! ```sh
//! cargo run -p rt --features full --example udp_echo -- [ADDR]   # default 127.0.0.1:8082
//! cargo run -p rt --features full --example udp_echo -- --self-test
//! ```
//!
//! Try it with `nc -u 127.0.0.1 8082`. `--self-test` starts the server on a
//! free loopback port, sends 200 datagrams of different sizes from two
//! clients, checks each echo (with a timeout per datagram, since UDP may drop
//! one), prints `OK` and exits.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use rt::net::UdpSocket;

/// Echoes datagrams forever.
async fn serve(socket: UdpSocket) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let (n, peer) = socket.recv_from(&mut buf).await?;
        socket.send_to(&buf[..n], peer).await?;
    }
}

/// One client: `count` datagrams, each awaited before the next.
async fn client(server: SocketAddr, id: u8, count: usize) -> io::Result<usize> {
    let socket = UdpSocket::bind("127.0.0.1:0").await?;
    socket.connect(server).await?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut retries = 0;
    for i in 0..count {
        let msg = vec![id.wrapping_add(i as u8); 1 + (i * 97) % 8_000];
        // Up to three tries: loopback rarely drops, but UDP may.
        let mut echoed = false;
        for _ in 0..3 {
            socket.send(&msg).await?;
            match rt::time::timeout(Duration::from_secs(1), socket.recv(&mut buf)).await {
                Ok(n) => {
                    let n = n?;
                    if buf[..n] != msg[..] {
                        return Err(io::Error::other(format!(
                            "client {id}: datagram {i} changed"
                        )));
                    }
                    echoed = true;
                    break;
                }
                Err(_) => retries += 1,
            }
        }
        if !echoed {
            return Err(io::Error::other(format!(
                "client {id}: datagram {i} never came back"
            )));
        }
    }
    Ok(retries)
}

async fn self_test() -> io::Result<()> {
    const PER_CLIENT: usize = 100;
    let socket = UdpSocket::bind("127.0.0.1:0").await?;
    let addr = socket.local_addr()?;
    let server = rt::spawn(serve(socket));
    let a = rt::spawn(client(addr, 1, PER_CLIENT));
    let b = rt::spawn(client(addr, 101, PER_CLIENT));
    let retries = a.await.map_err(io::Error::other)?? + b.await.map_err(io::Error::other)??;
    server.abort();
    println!(
        "udp_echo self-test OK: 2 clients x {PER_CLIENT} datagrams echoed by {addr} ({retries} resent)"
    );
    Ok(())
}

#[rt::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--self-test") {
        return self_test().await;
    }
    let addr = args.first().map_or("127.0.0.1:8082", String::as_str);
    let socket = UdpSocket::bind(addr).await?;
    println!("UDP echo server on {}", socket.local_addr()?);
    serve(socket).await
}
