//! A TCP proxy: every inbound connection is joined to a new connection to
//! the upstream server with `io::copy_bidirectional`.
//!
//! ```sh
//! cargo run -p rt --features full --example tcp_proxy -- [LISTEN] [UPSTREAM]
//!     # defaults: 127.0.0.1:8081 -> 127.0.0.1:8080
//! cargo run -p rt --features full --example tcp_proxy -- --self-test
//! ```
//!
//! `--self-test` starts an echo server and the proxy on free loopback ports,
//! sends data through the proxy from four clients, checks that it all comes
//! back and that the proxy counted the same bytes, prints `OK` and exits.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

/// Bytes the proxy moved, client → upstream and upstream → client.
#[derive(Default)]
struct Counters {
    up: AtomicU64,
    down: AtomicU64,
}

/// Accepts connections forever and proxies each to `upstream` in a task.
async fn proxy(
    listener: TcpListener,
    upstream: SocketAddr,
    counters: Arc<Counters>,
) -> io::Result<()> {
    loop {
        let (mut inbound, peer) = listener.accept().await?;
        let counters = counters.clone();
        rt::spawn(async move {
            let result = async {
                let mut outbound = TcpStream::connect(upstream).await?;
                rt::io::copy_bidirectional(&mut inbound, &mut outbound).await
            }
            .await;
            match result {
                Ok((up, down)) => {
                    counters.up.fetch_add(up, Ordering::Relaxed);
                    counters.down.fetch_add(down, Ordering::Relaxed);
                    println!("{peer}: {up} bytes up, {down} bytes down");
                }
                Err(e) => eprintln!("{peer}: {e}"),
            }
        });
    }
}

/// A tiny echo server for the self-test: echoes each connection until it closes.
async fn echo_upstream(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        rt::spawn(async move {
            let (mut r, mut w) = stream.split();
            rt::io::copy(&mut r, &mut w).await
        });
    }
}

async fn self_test() -> io::Result<()> {
    const CLIENTS: usize = 4;
    const BYTES: usize = 256 * 1024;
    let upstream = TcpListener::bind("127.0.0.1:0").await?;
    let upstream_addr = upstream.local_addr()?;
    let echo = rt::spawn(echo_upstream(upstream));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let proxy_addr = listener.local_addr()?;
    let counters = Arc::new(Counters::default());
    let server = rt::spawn(proxy(listener, upstream_addr, counters.clone()));

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        clients.push(rt::spawn(async move {
            let stream = TcpStream::connect(proxy_addr).await?;
            let (mut r, mut w) = stream.into_split();
            let data: Vec<u8> = (0..BYTES).map(|i| (i * 7 + c) as u8).collect();
            let expected = data.clone();
            // Write and read at once, so neither side's buffers fill up.
            let writer = rt::spawn(async move {
                w.write_all(&data).await?;
                w.shutdown().await
            });
            let mut back = Vec::with_capacity(BYTES);
            r.read_to_end(&mut back).await?;
            writer.await.map_err(io::Error::other)??;
            if back != expected {
                return Err(io::Error::other(format!(
                    "client {c}: data changed on the way"
                )));
            }
            Ok(())
        }));
    }
    let checks = async {
        for client in clients {
            client.await.map_err(io::Error::other)??;
        }
        // The proxy adds its counts when both directions are done, just
        // after the client saw end of stream: wait for them (bounded).
        let want = (CLIENTS * BYTES) as u64;
        for _ in 0..1_000 {
            if counters.up.load(Ordering::Relaxed) == want
                && counters.down.load(Ordering::Relaxed) == want
            {
                return Ok(want);
            }
            rt::time::sleep(Duration::from_millis(5)).await;
        }
        Err(io::Error::other("the proxy's byte counts never matched"))
    };
    let moved = rt::time::timeout(Duration::from_secs(30), checks)
        .await
        .map_err(|_| io::Error::other("self-test timed out"))??;
    server.abort();
    echo.abort();
    println!(
        "tcp_proxy self-test OK: {CLIENTS} clients, {moved} bytes each way through {proxy_addr} -> {upstream_addr}"
    );
    Ok(())
}

#[rt::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--self-test") {
        return self_test().await;
    }
    let listen = args.first().map_or("127.0.0.1:8081", String::as_str);
    let upstream: SocketAddr = args
        .get(1)
        .map_or("127.0.0.1:8080", String::as_str)
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("UPSTREAM: {e}")))?;
    let listener = TcpListener::bind(listen).await?;
    println!("proxying {} -> {upstream}", listener.local_addr()?);
    proxy(listener, upstream, Arc::new(Counters::default())).await
}
