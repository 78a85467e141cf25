//! A line-based chat server: every line a client sends goes to every other
//! client, through one `sync::broadcast` channel.
//!
//! ```sh
//! cargo run -p rt --features full --example chat_server -- [ADDR]   # default 127.0.0.1:8083
//! cargo run -p rt --features full --example chat_server -- --self-test
//! ```
//!
//! Connect a few `nc 127.0.0.1 8083` and type. Each client task `select!`s
//! between its next input line and the next broadcast message; a client that
//! falls more than `CAPACITY` messages behind is told how many it missed.
//! `--self-test` starts the server on a free loopback port, has three clients
//! join, talk and leave, checks what each one receives, prints `OK` and exits.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use rt::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use rt::net::{TcpListener, TcpStream};
use rt::sync::broadcast::{self, error::RecvError};

/// Messages a slow client may fall behind before it misses some.
const CAPACITY: usize = 1024;

/// One chat line, tagged with the client that caused it.
#[derive(Clone, Debug)]
struct Message {
    from: u64,
    text: Arc<str>,
}

/// Accepts clients forever; each gets an id and a task.
async fn serve(listener: TcpListener) -> io::Result<()> {
    let (tx, _) = broadcast::channel::<Message>(CAPACITY);
    for id in 1u64.. {
        let (stream, peer) = listener.accept().await?;
        let tx = tx.clone();
        rt::spawn(async move {
            if let Err(e) = client(stream, id, tx).await {
                eprintln!("user{id} ({peer}): {e}");
            }
        });
    }
    Ok(())
}

/// Serves one client until it disconnects.
async fn client(stream: TcpStream, id: u64, tx: broadcast::Sender<Message>) -> io::Result<()> {
    // Subscribe first, so nothing sent after the welcome is missed.
    let mut rx = tx.subscribe();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let others = tx.receiver_count() - 1;
    let welcome = format!("* welcome, you are user{id}; {others} other(s) here\n");
    write.write_all(welcome.as_bytes()).await?;
    let say = |text: String| {
        // An error only means nobody is listening.
        let _ = tx.send(Message {
            from: id,
            text: text.into(),
        });
    };
    say(format!("* user{id} joined"));
    let result = loop {
        rt::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => say(format!("[user{id}] {}", line.trim_end())),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            },
            msg = rx.recv() => {
                let text = match msg {
                    Ok(msg) if msg.from == id => continue,
                    Ok(msg) => format!("{}\n", msg.text),
                    Err(RecvError::Lagged(n)) => format!("* you missed {n} message(s)\n"),
                    Err(RecvError::Closed) => break Ok(()),
                };
                if let Err(e) = write.write_all(text.as_bytes()).await {
                    break Err(e);
                }
            }
        }
    };
    say(format!("* user{id} left"));
    result
}

/// A self-test client: reads whole lines with a timeout.
struct Peer {
    lines: Lines<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
}

impl Peer {
    async fn join(addr: SocketAddr) -> io::Result<(Peer, String)> {
        let (read, write) = TcpStream::connect(addr).await?.into_split();
        let mut peer = Peer {
            lines: BufReader::new(read).lines(),
            write,
        };
        let welcome = peer.line().await?;
        Ok((peer, welcome))
    }

    async fn line(&mut self) -> io::Result<String> {
        match rt::time::timeout(Duration::from_secs(10), self.lines.next_line()).await {
            Ok(Ok(Some(line))) => Ok(line),
            Ok(Ok(None)) => Err(io::Error::other("the server closed the connection")),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(io::Error::other("no line within 10 s")),
        }
    }

    async fn expect(&mut self, want: &str) -> io::Result<()> {
        let got = self.line().await?;
        if got == want {
            Ok(())
        } else {
            Err(io::Error::other(format!("expected {want:?}, got {got:?}")))
        }
    }

    async fn say(&mut self, text: &str) -> io::Result<()> {
        self.write.write_all(format!("{text}\n").as_bytes()).await
    }
}

async fn self_test() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = rt::spawn(serve(listener));

    let (mut a, welcome) = Peer::join(addr).await?;
    assert_eq!(welcome, "* welcome, you are user1; 0 other(s) here");
    let (mut b, welcome) = Peer::join(addr).await?;
    assert_eq!(welcome, "* welcome, you are user2; 1 other(s) here");
    a.expect("* user2 joined").await?;
    let (mut c, welcome) = Peer::join(addr).await?;
    assert_eq!(welcome, "* welcome, you are user3; 2 other(s) here");
    a.expect("* user3 joined").await?;
    b.expect("* user3 joined").await?;

    a.say("hello from a").await?;
    b.expect("[user1] hello from a").await?;
    c.expect("[user1] hello from a").await?;
    c.say("bye from c").await?;
    a.expect("[user3] bye from c").await?;
    b.expect("[user3] bye from c").await?;

    drop(c);
    a.expect("* user3 left").await?;
    b.expect("* user3 left").await?;
    // a never hears its own lines: the next thing it sees is b's.
    b.say("just us").await?;
    a.expect("[user2] just us").await?;

    server.abort();
    println!("chat_server self-test OK: 3 clients joined, talked and left on {addr}");
    Ok(())
}

#[rt::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--self-test") {
        return self_test().await;
    }
    let addr = args.first().map_or("127.0.0.1:8083", String::as_str);
    let listener = TcpListener::bind(addr).await?;
    println!("chat server listening on {}", listener.local_addr()?);
    serve(listener).await
}
