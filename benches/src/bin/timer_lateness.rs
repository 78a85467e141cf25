//! How late timers fire with a real clock: `timer_lateness [rt|tokio|both] [SLEEPS]`.
//!
//! On a current-thread runtime, 20 tasks each await a chain of sleeps whose
//! durations are drawn from 1–20 ms (microsecond resolution, a fixed seed,
//! so both runtimes sleep exactly the same durations); SLEEPS (default
//! 2,000) sleeps in all, about 1.2 s of wall time per runtime. For every
//! sleep it records `elapsed - requested` and prints the percentiles, the
//! count of early wake-ups (a timer must never fire early) and a histogram.
//! The last line per runtime is machine-readable for `cargo xtask bench`:
//!
//! ```text
//! RESULT timer_lateness runtime=rt sleeps=2000 early=0 p50_us=... p90_us=... p99_us=... max_us=...
//! ```
//!
//! Nothing is asserted: the lateness depends on the machine's load.

use rt_benches::{fmt_us, percentile, SplitMix64};
use std::process::ExitCode;
use std::time::Duration;

const DEFAULT_SLEEPS: usize = 2_000;
/// Concurrent chains of sleeps.
const CHAINS: usize = 20;
/// Seed of the durations (the same for both runtimes).
const SEED: u64 = 42;
/// Histogram bucket upper bounds in microseconds (the last bucket is open).
const BUCKETS_US: [u64; 7] = [250, 500, 1_000, 2_000, 5_000, 10_000, 20_000];

/// Lateness of every sleep, in microseconds, and how many woke early.
struct Measured {
    late_us: Vec<u64>,
    early: usize,
}

/// The requested durations, chain by chain.
fn durations(sleeps: usize) -> Vec<Vec<Duration>> {
    let mut rng = SplitMix64::new(SEED);
    let mut chains = vec![Vec::new(); CHAINS];
    for i in 0..sleeps {
        chains[i % CHAINS].push(Duration::from_micros(rng.in_range(1_000, 20_000)));
    }
    chains
}

/// Runs the chains on a current-thread runtime of crate `$rt`.
macro_rules! measure {
    ($rt:ident, $chains:expr) => {{
        let chains: Vec<Vec<Duration>> = $chains;
        let runtime = ::$rt::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("building a current-thread runtime");
        runtime.block_on(async move {
            // Start the time driver and settle before measuring.
            for _ in 0..5 {
                ::$rt::time::sleep(Duration::from_millis(1)).await;
            }
            let mut tasks = Vec::with_capacity(chains.len());
            for chain in chains {
                tasks.push(::$rt::spawn(async move {
                    let mut out = Vec::with_capacity(chain.len());
                    for requested in chain {
                        let start = std::time::Instant::now();
                        ::$rt::time::sleep(requested).await;
                        let elapsed = start.elapsed();
                        // Some(lateness), or None when it woke early.
                        out.push(elapsed.checked_sub(requested));
                    }
                    out
                }));
            }
            let mut measured = Measured {
                late_us: Vec::new(),
                early: 0,
            };
            for task in tasks {
                for lateness in task.await.expect("sleep chain panicked") {
                    match lateness {
                        Some(late) => measured.late_us.push(late.as_micros() as u64),
                        None => measured.early += 1,
                    }
                }
            }
            measured.late_us.sort_unstable();
            measured
        })
    }};
}

fn report(runtime: &str, sleeps: usize, m: &Measured) {
    let p = |q: f64| percentile(&m.late_us, q).unwrap_or(0);
    let (p50, p90, p99, max) = (p(50.0), p(90.0), p(99.0), p(100.0));
    println!(
        "timer lateness ({runtime}): {sleeps} sleeps of 1–20 ms, {CHAINS} concurrent chains, \
         current-thread runtime"
    );
    println!(
        "  p50 {}   p90 {}   p99 {}   max {}   early {}",
        fmt_us(p50),
        fmt_us(p90),
        fmt_us(p99),
        fmt_us(max),
        m.early
    );
    let mut lower = 0;
    for (i, &upper) in BUCKETS_US
        .iter()
        .chain(std::iter::once(&u64::MAX))
        .enumerate()
    {
        let count = m
            .late_us
            .iter()
            .filter(|&&v| v >= lower && v < upper)
            .count();
        let label = if i == BUCKETS_US.len() {
            format!(">= {}", fmt_us(lower))
        } else {
            format!("{} – {}", fmt_us(lower), fmt_us(upper))
        };
        let share = 100.0 * count as f64 / m.late_us.len().max(1) as f64;
        let bar = "#".repeat((share / 2.0).round() as usize);
        println!("  {label:>18}  {count:>6}  {share:5.1}%  {bar}");
        lower = upper;
    }
    println!(
        "RESULT timer_lateness runtime={runtime} sleeps={sleeps} early={} p50_us={p50} \
         p90_us={p90} p99_us={p99} max_us={max}",
        m.early
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: timer_lateness [rt|tokio|both] [SLEEPS]";
    let which = args.first().map(String::as_str).unwrap_or("both");
    let runtimes: &[&str] = match which {
        "rt" => &["rt"],
        "tokio" => &["tokio"],
        "both" => &["rt", "tokio"],
        other => {
            eprintln!("timer_lateness: unknown runtime `{other}`\n{usage}");
            return ExitCode::from(2);
        }
    };
    let sleeps = match args.get(1).map(|s| s.parse::<usize>()) {
        None => DEFAULT_SLEEPS,
        Some(Ok(n)) if (1..=1_000_000).contains(&n) => n,
        Some(_) => {
            eprintln!("timer_lateness: SLEEPS must be between 1 and 1000000\n{usage}");
            return ExitCode::from(2);
        }
    };
    for (i, runtime) in runtimes.iter().enumerate() {
        if i > 0 {
            println!();
        }
        let measured = match *runtime {
            "rt" => measure!(rt, durations(sleeps)),
            _ => measure!(tokio, durations(sleeps)),
        };
        report(runtime, sleeps, &measured);
    }
    ExitCode::SUCCESS
}
