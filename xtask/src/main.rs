//! `cargo xtask`: project automation for the rt workspace (std only).
//!
//! Run `cargo xtask help` for the subcommands.

mod bench;
mod ci;
mod demo;
mod deny;
mod loom;
mod util;

use std::env;
use std::process::ExitCode;
use util::Result;

const HELP: &str = "\
cargo xtask <SUBCOMMAND> [ARGS]

SUBCOMMANDS:
  ci               the whole CI gate, failing fast: fmt --check, clippy -D warnings
                   (all targets), test, doc (RUSTDOCFLAGS=-D warnings), loom, cargo deny
  loom [CRATE...]  run the loom models of every crate that has them (or of the named
                   crates; a name may be a substring) with RUSTFLAGS=\"--cfg rt_loom\",
                   --release, into <target>/loom. LOOM_MAX_PREEMPTIONS defaults to 2.
  bench [FILTER]   build the rt-vs-tokio benchmarks once, run them RT_BENCH_RUNS times
                   (default 5) as separate processes alternating which runtime goes
                   first, run the task-memory and timer-lateness probes, and print a
                   median table (also written to benches/results/latest.md). FILTER
                   is a criterion regex over group/function (e.g. `echo`, `copy_`,
                   `time_|timer|sleep`); the probes run when it is a substring of
                   `task_mem` / `timer_lateness`.
                   Env: RT_BENCH_RUNS, RT_BENCH_WARMUP (s, default 1),
                   RT_BENCH_MEASURE (s, default 2), RT_MEM_RUNS (default 3),
                   RT_BENCH_OUT (report path, default benches/results/latest.md).
  stress [ARGS]    cargo run --release -p stress-test -- ARGS
  demo [--compare tokio] [ARGS]
                   the task demo (cargo run --release -p rt --features full --example
                   demo), then an echo load on 127.0.0.1 (benches' echo_demo: 64
                   connections x 3 s, requests/s, MB/s, p50/p99 latency); with
                   --compare tokio the same load on tokio, side by side. ARGS go to
                   echo_demo: --connections N, --seconds S, --size BYTES,
                   --max-requests N.
  help             this text
";

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("ci") => ci::run(&rest),
        Some("loom") => loom::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("stress") => stress(&rest),
        Some("demo") => demo::run(&rest),
        Some("help" | "-h" | "--help") => {
            print!("{HELP}");
            Ok(())
        }
        None => {
            eprint!("{HELP}");
            return ExitCode::from(2);
        }
        Some(other) => Err(format!(
            "unknown subcommand `{other}`; run `cargo xtask help`"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask stress`: the long-running spawn storm in `stress-test/`.
fn stress(args: &[String]) -> Result {
    let manifest = util::root().join("stress-test").join("Cargo.toml");
    if !manifest.is_file() {
        return Err(format!(
            "stress: {} does not exist: the stress-test crate has not been written yet",
            manifest.display()
        ));
    }
    util::run(
        "stress test",
        util::cargo()
            .args(["run", "--release", "-p", "stress-test", "--"])
            .args(args),
    )
}
