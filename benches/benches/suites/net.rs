//! Networking and `io::copy` workloads, rt against tokio (current-thread).
//!
//! Everything binds 127.0.0.1 and every loop is bounded. State that is
//! expensive to build (a runtime with an echo server and its connections)
//! is built lazily inside the criterion closure, so a filtered-out workload
//! costs nothing, and kept across iterations.
//!
//! - `echo_{1,64}conn_{64B,16KiB}`: per iteration, `ECHO_ROUNDS` round trips
//!   (write the message, read it back) on each of 1 or 64 connections to an
//!   echo server on the same runtime, one client task per connection.
//! - `accept_100`: per iteration, 100 connections connected, accepted and
//!   dropped. The server drops its end first and the client waits for the
//!   end of stream, so `TIME_WAIT` lands on the listener's side and client
//!   ports are never exhausted.
//! - `udp_ping_pong`: per iteration, `UDP_ROUNDS` round trips of a 64-byte
//!   datagram between two connected sockets.
//! - `copy_{mem,chunk}_to_{mem,slow_hdd}`: tokio's `copy` benchmark shapes
//!   (256 KiB through `io::copy`; a reader that offers 2 KiB per 1 ms tick,
//!   a writer with a 40 KiB buffer drained every 20 ms that stalls at random
//!   10% of the time), written anew here.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use std::time::Duration;

use super::{configure_short, Runtime};

/// Round trips per connection per iteration of the `echo_*` workloads.
const ECHO_ROUNDS: usize = 20;
/// Connections per iteration of `accept_100`.
const ACCEPTS: usize = 100;
/// Round trips per iteration of `udp_ping_pong`.
const UDP_ROUNDS: usize = 100;
/// Payload of `udp_ping_pong`.
const UDP_SIZE: usize = 64;
/// Bytes moved by each `copy_*` iteration.
const COPY_SOURCE: u64 = 256 * 1024;
/// What the chunk reader offers per tick.
const CHUNK: usize = 2 * 1024;
/// Tick of the chunk reader.
const CHUNK_PERIOD: Duration = Duration::from_millis(1);
/// Buffer of the slow-disk writer.
const HDD_BUFFER: usize = 40 * 1024;
/// How often the slow-disk writer drains its buffer.
const HDD_PERIOD: Duration = Duration::from_millis(20);
/// Chance that a write finds the slow disk stalled until its next drain.
const HDD_STALL: f64 = 0.1;
/// First seed of the slow disk's stalls; each writer takes the next one (the
/// same sequence on both runtimes).
const HDD_SEED: u64 = 0;

/// One networking workload.
#[derive(Clone, Copy, Debug)]
pub enum Workload {
    /// Echo round trips: (connections, message bytes).
    Echo(usize, usize),
    /// Connect, accept and drop `ACCEPTS` connections.
    Accept,
    /// UDP round trips.
    UdpPingPong,
    /// `io::copy` from `source` to `dest`.
    Copy { chunked: bool, slow_hdd: bool },
    /// Echo on a multi-thread runtime: (workers, connections, bytes).
    #[cfg(feature = "mt")]
    EchoMt(usize, usize, usize),
}

impl Workload {
    fn all() -> Vec<Workload> {
        let mut all = Vec::new();
        for conns in [1, 64] {
            for size in [64, 16 * 1024] {
                all.push(Workload::Echo(conns, size));
            }
        }
        all.push(Workload::Accept);
        all.push(Workload::UdpPingPong);
        for chunked in [false, true] {
            for slow_hdd in [false, true] {
                all.push(Workload::Copy { chunked, slow_hdd });
            }
        }
        #[cfg(feature = "mt")]
        all.push(Workload::EchoMt(2, 64, 64));
        all
    }

    fn group_name(self) -> String {
        fn size_name(size: usize) -> String {
            if size >= 1024 {
                format!("{}KiB", size / 1024)
            } else {
                format!("{size}B")
            }
        }
        match self {
            Workload::Echo(conns, size) => format!("echo_{conns}conn_{}", size_name(size)),
            Workload::Accept => format!("accept_{ACCEPTS}"),
            Workload::UdpPingPong => "udp_ping_pong".into(),
            Workload::Copy { chunked, slow_hdd } => format!(
                "copy_{}_to_{}",
                if chunked { "chunk" } else { "mem" },
                if slow_hdd { "slow_hdd" } else { "mem" }
            ),
            #[cfg(feature = "mt")]
            Workload::EchoMt(workers, conns, size) => {
                format!(
                    "echo_{conns}conn_{}_multi_thread_{workers}",
                    size_name(size)
                )
            }
        }
    }

    fn configure(self, group: &mut BenchmarkGroup<'_, WallTime>) {
        configure_short(group);
        match self {
            // 120+ ms per iteration, bound by the timers, not the CPU: ten
            // flat samples of one iteration each.
            Workload::Copy { chunked, slow_hdd } if chunked || slow_hdd => {
                group
                    .sampling_mode(SamplingMode::Flat)
                    .sample_size(10)
                    .measurement_time(Duration::from_secs(1));
            }
            _ => {
                group.sample_size(30);
            }
        }
    }
}

/// Instantiates the workloads for the runtime crate `$rt`.
macro_rules! net_suite {
    ($rt:ident) => {
        pub mod $rt {
            use super::*;
            use ::$rt::io::{AsyncReadExt, AsyncWriteExt};
            use ::$rt::net::{TcpListener, TcpStream, UdpSocket};
            use rt_benches::SplitMix64;
            use std::pin::Pin;
            use std::sync::atomic::{AtomicU64, Ordering};
            use std::task::{Context, Poll};

            fn runtime() -> ::$rt::runtime::Runtime {
                ::$rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("building a current-thread runtime")
            }

            #[cfg(feature = "mt")]
            fn runtime_mt(workers: usize) -> ::$rt::runtime::Runtime {
                ::$rt::runtime::Builder::new_multi_thread()
                    .worker_threads(workers)
                    .enable_all()
                    .build()
                    .expect("building a multi-thread runtime")
            }

            /// Echoes until the peer closes or an error occurs.
            async fn echo_conn(mut stream: TcpStream) {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }

            /// Accepts exactly `conns` connections and serves each in a task.
            async fn echo_server(listener: TcpListener, conns: usize) {
                for _ in 0..conns {
                    let (stream, _) = listener.accept().await.expect("echo server: accept");
                    stream.set_nodelay(true).expect("set_nodelay");
                    ::$rt::spawn(echo_conn(stream));
                }
            }

            /// A client connection with its message and receive buffer.
            struct Client {
                stream: TcpStream,
                msg: Vec<u8>,
                buf: Vec<u8>,
            }

            async fn client_rounds(mut client: Client) -> Client {
                for _ in 0..ECHO_ROUNDS {
                    client
                        .stream
                        .write_all(&client.msg)
                        .await
                        .expect("echo client: write");
                    client
                        .stream
                        .read_exact(&mut client.buf)
                        .await
                        .expect("echo client: read");
                }
                debug_assert_eq!(client.buf, client.msg);
                client
            }

            /// A runtime with an echo server and `conns` connected clients.
            pub struct Echo {
                runtime: ::$rt::runtime::Runtime,
                clients: Vec<Client>,
            }

            impl Echo {
                fn new(runtime: ::$rt::runtime::Runtime, conns: usize, size: usize) -> Self {
                    let clients = runtime.block_on(async move {
                        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                        let addr = listener.local_addr().expect("local_addr");
                        ::$rt::spawn(echo_server(listener, conns));
                        let mut clients = Vec::with_capacity(conns);
                        for i in 0..conns {
                            let stream = TcpStream::connect(addr).await.expect("connect");
                            stream.set_nodelay(true).expect("set_nodelay");
                            clients.push(Client {
                                stream,
                                msg: vec![i as u8; size],
                                buf: vec![0; size],
                            });
                        }
                        clients
                    });
                    Echo { runtime, clients }
                }

                /// `ECHO_ROUNDS` round trips on every connection, one task each.
                fn round(&mut self) {
                    let clients = std::mem::take(&mut self.clients);
                    self.clients = self.runtime.block_on(async move {
                        let handles: Vec<_> = clients
                            .into_iter()
                            .map(|c| ::$rt::spawn(client_rounds(c)))
                            .collect();
                        let mut back = Vec::with_capacity(handles.len());
                        for handle in handles {
                            back.push(handle.await.expect("echo client task"));
                        }
                        back
                    });
                }
            }

            /// A runtime with a listener that is handed to a task per iteration.
            pub struct Accept {
                runtime: ::$rt::runtime::Runtime,
                listener: Option<TcpListener>,
            }

            impl Accept {
                fn new() -> Self {
                    let runtime = runtime();
                    let listener = runtime
                        .block_on(TcpListener::bind("127.0.0.1:0"))
                        .expect("bind");
                    Accept {
                        runtime,
                        listener: Some(listener),
                    }
                }

                fn round(&mut self) {
                    let listener = self.listener.take().expect("listener is back");
                    let addr = listener.local_addr().expect("local_addr");
                    let listener = self.runtime.block_on(async move {
                        let server = ::$rt::spawn(async move {
                            for _ in 0..ACCEPTS {
                                let (stream, _) = listener.accept().await.expect("accept");
                                drop(stream);
                            }
                            listener
                        });
                        let mut byte = [0u8; 1];
                        for _ in 0..ACCEPTS {
                            let mut stream = TcpStream::connect(addr).await.expect("connect");
                            // The server closes first; wait for its end of stream.
                            let n = stream.read(&mut byte).await.expect("read");
                            assert_eq!(n, 0, "the accept side sends nothing");
                        }
                        server.await.expect("accept task")
                    });
                    self.listener = Some(listener);
                }
            }

            /// Two connected UDP sockets; the second echoes in a task.
            pub struct Udp {
                runtime: ::$rt::runtime::Runtime,
                socket: UdpSocket,
            }

            impl Udp {
                fn new() -> Self {
                    let runtime = runtime();
                    let socket = runtime.block_on(async {
                        let a = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
                        let b = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
                        a.connect(b.local_addr().unwrap()).await.expect("connect");
                        b.connect(a.local_addr().unwrap()).await.expect("connect");
                        ::$rt::spawn(async move {
                            let mut buf = [0u8; 2048];
                            // Ends on an error or an empty datagram; the
                            // runtime's drop cancels it otherwise.
                            loop {
                                match b.recv(&mut buf).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => {
                                        if b.send(&buf[..n]).await.is_err() {
                                            return;
                                        }
                                    }
                                }
                            }
                        });
                        a
                    });
                    Udp { runtime, socket }
                }

                fn round(&self) {
                    let socket = &self.socket;
                    self.runtime.block_on(async move {
                        let msg = [7u8; UDP_SIZE];
                        let mut buf = [0u8; 2048];
                        let rounds = async {
                            for _ in 0..UDP_ROUNDS {
                                socket.send(&msg).await.expect("udp send");
                                let n = socket.recv(&mut buf).await.expect("udp recv");
                                assert_eq!(n, UDP_SIZE);
                            }
                        };
                        // One timeout per iteration: a lost datagram fails
                        // the benchmark instead of hanging it.
                        ::$rt::time::timeout(Duration::from_secs(10), rounds)
                            .await
                            .expect("udp_ping_pong: a datagram was lost on loopback");
                    });
                }
            }

            /// A writer that imitates a busy disk: up to `HDD_BUFFER` bytes are
            /// accepted, the buffer drains on every `HDD_PERIOD` tick, and with
            /// probability `HDD_STALL` a write between ticks must wait for the
            /// next drain.
            /// Writers made so far on this runtime (the next stall seed).
            static HDD_RUNS: AtomicU64 = AtomicU64::new(0);

            struct SlowHdd {
                drains: ::$rt::time::Interval,
                rng: SplitMix64,
                used: usize,
            }

            impl SlowHdd {
                fn new() -> Self {
                    let mut drains = ::$rt::time::interval(HDD_PERIOD);
                    drains.set_missed_tick_behavior(::$rt::time::MissedTickBehavior::Delay);
                    SlowHdd {
                        drains,
                        // A new stall pattern per writer (per iteration): with
                        // one fixed seed every sample replayed the same run, and
                        // any timing change moved whole 20 ms drains in or out
                        // (luck, not speed). Seeds run 0, 1, 2, ... on each
                        // runtime, so both see the same sequence of patterns.
                        rng: SplitMix64::new(
                            HDD_SEED.wrapping_add(HDD_RUNS.fetch_add(1, Ordering::Relaxed)),
                        ),
                        used: 0,
                    }
                }

                /// Drains the buffer when a tick is due.
                fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
                    match self.drains.poll_tick(cx) {
                        Poll::Ready(_) => {
                            self.used = 0;
                            Poll::Ready(Ok(()))
                        }
                        Poll::Pending => Poll::Pending,
                    }
                }

                fn poll_accept(
                    &mut self,
                    cx: &mut Context<'_>,
                    len: usize,
                ) -> Poll<std::io::Result<usize>> {
                    let drained = self.poll_drain(cx).is_ready();
                    if !drained && self.rng.chance(HDD_STALL) {
                        // Stalled: the interval's waker brings us back.
                        return Poll::Pending;
                    }
                    let free = HDD_BUFFER - self.used;
                    if free == 0 {
                        return Poll::Pending;
                    }
                    let n = free.min(len);
                    self.used += n;
                    Poll::Ready(Ok(n))
                }
            }

            impl ::$rt::io::AsyncWrite for SlowHdd {
                fn poll_write(
                    self: Pin<&mut Self>,
                    cx: &mut Context<'_>,
                    buf: &[u8],
                ) -> Poll<std::io::Result<usize>> {
                    self.get_mut().poll_accept(cx, buf.len())
                }

                fn poll_flush(
                    self: Pin<&mut Self>,
                    cx: &mut Context<'_>,
                ) -> Poll<std::io::Result<()>> {
                    self.get_mut().poll_drain(cx)
                }

                fn poll_shutdown(
                    self: Pin<&mut Self>,
                    cx: &mut Context<'_>,
                ) -> Poll<std::io::Result<()>> {
                    self.get_mut().poll_drain(cx)
                }
            }

            /// A reader that offers at most `CHUNK` bytes per `CHUNK_PERIOD`
            /// tick, bursting to catch up when polled late (a slow link).
            struct ChunkReader {
                ticks: ::$rt::time::Interval,
                chunk: Vec<u8>,
            }

            impl ChunkReader {
                fn new() -> Self {
                    let mut ticks = ::$rt::time::interval(CHUNK_PERIOD);
                    ticks.set_missed_tick_behavior(::$rt::time::MissedTickBehavior::Burst);
                    ChunkReader {
                        ticks,
                        chunk: vec![0; CHUNK],
                    }
                }
            }

            impl ::$rt::io::AsyncRead for ChunkReader {
                fn poll_read(
                    self: Pin<&mut Self>,
                    cx: &mut Context<'_>,
                    buf: &mut ::$rt::io::ReadBuf<'_>,
                ) -> Poll<std::io::Result<()>> {
                    let this = self.get_mut();
                    if this.ticks.poll_tick(cx).is_pending() {
                        return Poll::Pending;
                    }
                    let n = buf.remaining().min(this.chunk.len());
                    buf.put_slice(&this.chunk[..n]);
                    Poll::Ready(Ok(()))
                }
            }

            fn copy_once(rt: &::$rt::runtime::Runtime, chunked: bool, slow_hdd: bool) {
                rt.block_on(async move {
                    let copied = match (chunked, slow_hdd) {
                        (false, false) => {
                            let mut src = ::$rt::io::repeat(0).take(COPY_SOURCE);
                            let mut dst = Vec::new();
                            ::$rt::io::copy(&mut src, &mut dst).await
                        }
                        (false, true) => {
                            let mut src = ::$rt::io::repeat(0).take(COPY_SOURCE);
                            let mut dst = SlowHdd::new();
                            ::$rt::io::copy(&mut src, &mut dst).await
                        }
                        (true, false) => {
                            let mut src = ChunkReader::new().take(COPY_SOURCE);
                            let mut dst = Vec::new();
                            ::$rt::io::copy(&mut src, &mut dst).await
                        }
                        (true, true) => {
                            let mut src = ChunkReader::new().take(COPY_SOURCE);
                            let mut dst = SlowHdd::new();
                            ::$rt::io::copy(&mut src, &mut dst).await
                        }
                    };
                    assert_eq!(copied.expect("copy"), COPY_SOURCE);
                });
            }

            /// Registers `workload` for this runtime in `group`.
            pub fn bench(group: &mut BenchmarkGroup<'_, WallTime>, workload: Workload) {
                let name = stringify!($rt);
                match workload {
                    Workload::Echo(conns, size) => {
                        let mut state: Option<Echo> = None;
                        group.bench_function(name, |b| {
                            let echo =
                                state.get_or_insert_with(|| Echo::new(runtime(), conns, size));
                            b.iter(|| echo.round())
                        });
                    }
                    #[cfg(feature = "mt")]
                    Workload::EchoMt(workers, conns, size) => {
                        let mut state: Option<Echo> = None;
                        group.bench_function(name, |b| {
                            let echo = state
                                .get_or_insert_with(|| Echo::new(runtime_mt(workers), conns, size));
                            b.iter(|| echo.round())
                        });
                    }
                    Workload::Accept => {
                        let mut state: Option<Accept> = None;
                        group.bench_function(name, |b| {
                            let accept = state.get_or_insert_with(Accept::new);
                            b.iter(|| accept.round())
                        });
                    }
                    Workload::UdpPingPong => {
                        let mut state: Option<Udp> = None;
                        group.bench_function(name, |b| {
                            let udp = state.get_or_insert_with(Udp::new);
                            b.iter(|| udp.round())
                        });
                    }
                    Workload::Copy { chunked, slow_hdd } => {
                        let mut state: Option<::$rt::runtime::Runtime> = None;
                        group.bench_function(name, |b| {
                            let rt = state.get_or_insert_with(runtime);
                            b.iter(|| copy_once(rt, chunked, slow_hdd))
                        });
                    }
                }
            }
        }
    };
}

net_suite!(rt);
net_suite!(tokio);

/// Registers every networking workload, each runtime in `order`.
pub fn register(criterion: &mut Criterion, order: [Runtime; 2]) {
    for workload in Workload::all() {
        let mut group = criterion.benchmark_group(workload.group_name());
        workload.configure(&mut group);
        for runtime in order {
            match runtime {
                Runtime::Rt => rt::bench(&mut group, workload),
                Runtime::Tokio => tokio::bench(&mut group, workload),
            }
        }
        group.finish();
    }
}
