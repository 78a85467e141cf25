//! Echo load on loopback: `echo_demo --runtime rt|tokio [OPTIONS]`.
//!
//! Starts an echo server on 127.0.0.1 (a current-thread runtime on its own
//! thread), connects `--connections` clients from a second current-thread
//! runtime on the main thread, and has every client send a message and read
//! it back, over and over, until `--seconds` have passed or `--max-requests`
//! round trips have been made in total. Prints requests/s, MB/s and the
//! latency percentiles of the round trips, then a machine-readable line for
//! `cargo xtask demo`:
//!
//! ```text
//! RESULT echo_demo runtime=rt connections=64 size=512 requests=... seconds=... rps=... mbps=... p50_us=... p99_us=... max_us=...
//! ```
//!
//! The load is written once in `echo_load!` and instantiated for rt and for
//! tokio, so `--runtime tokio` runs the very same code on tokio.
//!
//! Options: `--connections N` (64), `--seconds S` (3), `--size BYTES` (512),
//! `--max-requests N` (2,000,000). Every loop is bounded by the deadline and
//! the request cap, and the whole client phase by a timeout of `S + 30` s.

use rt_benches::{fmt_us, percentile};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: echo_demo --runtime rt|tokio [--connections N] [--seconds S] \
                     [--size BYTES] [--max-requests N]";

/// What to run.
#[derive(Clone, Debug)]
struct Config {
    runtime: String,
    connections: usize,
    seconds: f64,
    size: usize,
    max_requests: u64,
}

/// What a run measured.
#[derive(Debug)]
struct Report {
    requests: u64,
    elapsed: Duration,
    /// Round-trip latencies in nanoseconds, sorted.
    latencies: Vec<u64>,
}

fn parse_args(args: &[String]) -> Result<Config, String> {
    let mut config = Config {
        runtime: String::new(),
        connections: 64,
        seconds: 3.0,
        size: 512,
        max_requests: 2_000_000,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{key} needs a value"))
        };
        fn num<T: std::str::FromStr>(key: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{key}: `{v}` is not a valid number"))
        }
        match key {
            "--runtime" => config.runtime = value()?,
            "--connections" => config.connections = num(key, value()?)?,
            "--seconds" => config.seconds = num(key, value()?)?,
            "--size" => config.size = num(key, value()?)?,
            "--max-requests" => config.max_requests = num(key, value()?)?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if !matches!(config.runtime.as_str(), "rt" | "tokio") {
        return Err("--runtime must be `rt` or `tokio`".into());
    }
    if !(1..=1_000).contains(&config.connections) {
        return Err("--connections must be between 1 and 1000".into());
    }
    if !(config.seconds > 0.0 && config.seconds <= 60.0) {
        return Err("--seconds must be in (0, 60]".into());
    }
    if !(1..=1 << 20).contains(&config.size) {
        return Err("--size must be between 1 and 1048576 bytes".into());
    }
    if config.max_requests == 0 {
        return Err("--max-requests must be at least 1".into());
    }
    Ok(config)
}

/// Runs the load on the runtime crate `$rt`; the same tokens compile for
/// rt and tokio. Evaluates to `Result<Report, String>`.
macro_rules! echo_load {
    ($rt:ident, $config:expr) => {{
        use ::$rt::io::{AsyncReadExt, AsyncWriteExt};
        use ::$rt::net::{TcpListener, TcpStream};
        use std::sync::atomic::{AtomicU64, Ordering};
        use std::sync::Arc;
        use std::time::Instant;

        let config: &Config = $config;
        let connections = config.connections;
        let size = config.size;
        let current_thread = || {
            ::$rt::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("building a runtime: {e}"))
        };

        // The server: its own thread and runtime; accepts exactly
        // `connections` connections and echoes on each until end of stream.
        let server_rt = current_thread()?;
        let listener = server_rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .map_err(|e| format!("binding 127.0.0.1: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("local_addr: {e}"))?;
        let server = std::thread::Builder::new()
            .name("echo-server".into())
            .spawn(move || {
                server_rt.block_on(async move {
                    let mut tasks = Vec::with_capacity(connections);
                    for _ in 0..connections {
                        let (mut stream, _) = listener.accept().await?;
                        stream.set_nodelay(true)?;
                        tasks.push(::$rt::spawn(async move {
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
                        }));
                    }
                    for task in tasks {
                        task.await.map_err(std::io::Error::other)?;
                    }
                    Ok::<(), std::io::Error>(())
                })
            })
            .map_err(|e| format!("starting the server thread: {e}"))?;

        // The clients: one task per connection on this thread's runtime.
        let client_rt = current_thread()?;
        let budget = Duration::from_secs_f64(config.seconds);
        let max_requests = config.max_requests;
        let outcome = client_rt.block_on(async move {
            let mut streams = Vec::with_capacity(connections);
            for _ in 0..connections {
                let stream = TcpStream::connect(addr)
                    .await
                    .map_err(|e| format!("connecting to {addr}: {e}"))?;
                stream
                    .set_nodelay(true)
                    .map_err(|e| format!("set_nodelay: {e}"))?;
                streams.push(stream);
            }
            let issued = Arc::new(AtomicU64::new(0));
            let start = Instant::now();
            let deadline = start + budget;
            let load = async {
                let mut tasks = Vec::with_capacity(connections);
                for (i, mut stream) in streams.into_iter().enumerate() {
                    let issued = issued.clone();
                    tasks.push(::$rt::spawn(async move {
                        let msg = vec![i as u8; size];
                        let mut buf = vec![0u8; size];
                        let mut latencies = Vec::new();
                        // Bounded by the deadline and by the shared cap.
                        while Instant::now() < deadline
                            && issued.fetch_add(1, Ordering::Relaxed) < max_requests
                        {
                            let sent = Instant::now();
                            stream.write_all(&msg).await?;
                            stream.read_exact(&mut buf).await?;
                            latencies.push(sent.elapsed().as_nanos() as u64);
                        }
                        if buf != msg && !latencies.is_empty() {
                            return Err(std::io::Error::other("echo returned other bytes"));
                        }
                        Ok::<Vec<u64>, std::io::Error>(latencies)
                    }));
                }
                let mut all = Vec::new();
                for task in tasks {
                    let latencies = task
                        .await
                        .map_err(|e| format!("client task: {e}"))?
                        .map_err(|e| format!("client: {e}"))?;
                    all.extend(latencies);
                }
                Ok::<Vec<u64>, String>(all)
            };
            let limit = budget + Duration::from_secs(30);
            let mut latencies = ::$rt::time::timeout(limit, load)
                .await
                .map_err(|_| format!("the load did not finish within {limit:?}"))??;
            let elapsed = start.elapsed();
            latencies.sort_unstable();
            Ok::<Report, String>(Report {
                requests: latencies.len() as u64,
                elapsed,
                latencies,
            })
        });
        // The clients' streams are dropped: the server's tasks see end of
        // stream and the server thread finishes.
        drop(client_rt);
        let served = server
            .join()
            .map_err(|_| "the server thread panicked".to_string())?;
        served.map_err(|e| format!("server: {e}"))?;
        outcome
    }};
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse_args(&args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("echo_demo: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match config.runtime.as_str() {
        "rt" => (|| echo_load!(rt, &config))(),
        _ => (|| echo_load!(tokio, &config))(),
    };
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!("echo_demo: {}: {e}", config.runtime);
            return ExitCode::FAILURE;
        }
    };
    print_report(&config, &report);
    ExitCode::SUCCESS
}

fn print_report(config: &Config, report: &Report) {
    let secs = report.elapsed.as_secs_f64();
    let rps = report.requests as f64 / secs;
    let mbps = report.requests as f64 * config.size as f64 / secs / 1e6;
    let us = |p: f64| percentile(&report.latencies, p).unwrap_or(0) / 1_000;
    let (p50, p99, max) = (us(50.0), us(99.0), us(100.0));
    println!(
        "echo load ({}): {} connections x {:.1} s, {} B messages, 127.0.0.1 \
         (server and clients on two current-thread runtimes, one thread each)",
        config.runtime, config.connections, config.seconds, config.size
    );
    println!(
        "  requests    {} round trips in {secs:.2} s = {:.1} k req/s",
        report.requests,
        rps / 1e3
    );
    println!("  throughput  {mbps:.1} MB/s echoed (each direction)");
    println!(
        "  latency     p50 {}   p99 {}   max {}",
        fmt_us(p50),
        fmt_us(p99),
        fmt_us(max)
    );
    if report.requests >= config.max_requests {
        println!("  (stopped at the cap of {} requests)", config.max_requests);
    }
    println!(
        "RESULT echo_demo runtime={} connections={} size={} requests={} seconds={secs:.3} \
         rps={rps:.1} mbps={mbps:.2} p50_us={p50} p99_us={p99} max_us={max}",
        config.runtime, config.connections, config.size, report.requests
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_defaults_and_options() {
        let c = parse_args(&args(&["--runtime", "tokio"])).unwrap();
        assert_eq!(
            (c.connections, c.size, c.max_requests),
            (64, 512, 2_000_000)
        );
        let c = parse_args(&args(&[
            "--runtime=rt",
            "--connections",
            "8",
            "--seconds=0.5",
        ]))
        .unwrap();
        assert_eq!(
            (c.runtime.as_str(), c.connections, c.seconds),
            ("rt", 8, 0.5)
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_args(&args(&[])).is_err());
        assert!(parse_args(&args(&["--runtime", "smol"])).is_err());
        assert!(parse_args(&args(&["--runtime", "rt", "--connections", "0"])).is_err());
        assert!(parse_args(&args(&["--runtime", "rt", "--seconds"])).is_err());
        assert!(parse_args(&args(&["--runtime", "rt", "--bogus", "1"])).is_err());
    }
}
