//! A TCP echo server: every connection gets its own task that writes back
//! whatever it reads.
//!
//! ```sh
//! cargo run -p rt --features full --example echo_server -- [ADDR]   # default 127.0.0.1:8080
//! cargo run -p rt --features full --example echo_server -- --self-test
//! ```
//!
//! Try it with `nc 127.0.0.1 8080`. `--self-test` starts the server on a
//! free loopback port, runs eight concurrent clients against it, checks
//! every byte that comes back, prints `OK` and exits.

use std::io;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

/// Echoes on `stream` until the peer closes it.
async fn echo(mut stream: TcpStream) -> io::Result<u64> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

/// Accepts connections forever, one task each.
async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        rt::spawn(async move {
            match echo(stream).await {
                Ok(bytes) => println!("{peer}: closed after {bytes} bytes"),
                Err(e) => eprintln!("{peer}: {e}"),
            }
        });
    }
}

/// Starts the server on a free port and checks it with concurrent clients.
async fn self_test() -> io::Result<()> {
    const CLIENTS: usize = 8;
    const ROUNDS: usize = 100;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = rt::spawn(serve(listener));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        clients.push(rt::spawn(async move {
            let mut stream = TcpStream::connect(addr).await?;
            let mut back = Vec::new();
            for round in 0..ROUNDS {
                // Message sizes from 1 byte to a little over 20 KiB.
                let msg = vec![(c * ROUNDS + round) as u8; 1 + (round * 211) % 20_000];
                stream.write_all(&msg).await?;
                back.resize(msg.len(), 0);
                stream.read_exact(&mut back).await?;
                if back != msg {
                    return Err(io::Error::other(format!(
                        "client {c}: round {round} came back different"
                    )));
                }
            }
            // Half-close: the server sees end of stream and closes too.
            stream.shutdown().await?;
            let mut rest = Vec::new();
            stream.read_to_end(&mut rest).await?;
            Ok::<_, io::Error>(rest.is_empty())
        }));
    }
    let checks = async {
        for client in clients {
            let clean = client.await.map_err(io::Error::other)??;
            if !clean {
                return Err(io::Error::other("bytes after the half-close"));
            }
        }
        Ok(())
    };
    rt::time::timeout(Duration::from_secs(30), checks)
        .await
        .map_err(|_| io::Error::other("self-test timed out"))??;
    server.abort();
    println!("echo_server self-test OK: {CLIENTS} clients x {ROUNDS} round trips on {addr}");
    Ok(())
}

#[rt::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--self-test") {
        return self_test().await;
    }
    let addr = args.first().map_or("127.0.0.1:8080", String::as_str);
    let listener = TcpListener::bind(addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);
    serve(listener).await
}
