//! `cargo xtask demo [--compare tokio] [ECHO ARGS...]`.
//!
//! 1. Runs the facade's task demo: `cargo run --release -p rt --features full
//!    --example demo`.
//! 2. Builds `echo_demo` (benches/src/bin) once and runs it with
//!    `--runtime rt`: an echo server on 127.0.0.1 driven by 64 concurrent
//!    clients for 3 s (capped at 2,000,000 requests), printing requests/s,
//!    MB/s and p50/p99 latency.
//! 3. With `--compare tokio`, runs the same load with `--runtime tokio` and
//!    prints both side by side.
//!
//! Other arguments go to `echo_demo` (`--connections N`, `--seconds S`,
//! `--size BYTES`, `--max-requests N`).

use crate::bench::build_executable;
use crate::util::{self, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Parsed arguments: whether to compare with tokio, and the rest for echo_demo.
#[derive(Debug, PartialEq)]
struct Args {
    compare_tokio: bool,
    echo: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut out = Args {
        compare_tokio: false,
        echo: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let compare = match arg.as_str() {
            "--compare" => Some(it.next().cloned().unwrap_or_default()),
            other => other.strip_prefix("--compare=").map(str::to_string),
        };
        match compare.as_deref() {
            Some("tokio") => out.compare_tokio = true,
            Some(other) => {
                return Err(format!(
                    "demo: --compare takes `tokio`, got `{other}`\n\
                     usage: cargo xtask demo [--compare tokio] [--connections N] [--seconds S] \
                     [--size BYTES] [--max-requests N]"
                ))
            }
            None => {
                if arg == "--runtime" || arg.starts_with("--runtime=") {
                    return Err("demo: the runtime is chosen by xtask; use --compare tokio".into());
                }
                out.echo.push(arg.clone());
            }
        }
    }
    Ok(out)
}

/// Runs the demo.
pub fn run(args: &[String]) -> Result {
    let args = parse(args)?;
    let example = util::root().join("crates/rt/examples/demo.rs");
    if !example.is_file() {
        return Err(format!(
            "demo: {} does not exist yet: the demo example has not been written",
            example.display()
        ));
    }
    util::run(
        "demo",
        util::cargo().args([
            "run",
            "--release",
            "-p",
            "rt",
            "--features",
            "full",
            "--example",
            "demo",
        ]),
    )?;

    println!("\n==> echo load on 127.0.0.1");
    let exe = build_executable(
        &[
            "build",
            "--release",
            "-p",
            "rt-benches",
            "--bin",
            "echo_demo",
        ],
        "echo_demo",
    )?;
    let mut results = Vec::new();
    let runtimes: &[&str] = if args.compare_tokio {
        &["rt", "tokio"]
    } else {
        &["rt"]
    };
    for runtime in runtimes {
        println!();
        results.push((*runtime, echo(&exe, runtime, &args.echo)?));
    }
    if args.compare_tokio {
        println!("\n{}", compare_table(&results)?);
    }
    Ok(())
}

/// Runs `echo_demo --runtime RUNTIME ARGS` and returns its RESULT fields.
fn echo(exe: &Path, runtime: &str, args: &[String]) -> Result<BTreeMap<String, String>> {
    let mut found = None;
    util::run_tee(
        &format!("echo_demo {runtime}"),
        Command::new(exe)
            .current_dir(util::root())
            .args(["--runtime", runtime])
            .args(args),
        |line| {
            if let Some(fields) = util::result_fields(line, "echo_demo") {
                found = Some(fields);
            }
        },
    )?;
    found.ok_or_else(|| format!("echo_demo {runtime}: printed no RESULT line"))
}

/// Formats one value of the comparison table.
type Formatter = fn(f64) -> String;

/// The side-by-side table of `--compare tokio`.
fn compare_table(results: &[(&str, BTreeMap<String, String>)]) -> Result<String> {
    let [(_, rt), (_, tokio)] = results else {
        return Err("demo: expected one result per runtime".into());
    };
    let num = |fields: &BTreeMap<String, String>, key: &str| {
        util::field_f64(fields, key).ok_or_else(|| format!("echo_demo: RESULT has no `{key}`"))
    };
    let mut out =
        String::from("echo load, side by side (higher is better for the first two rows)\n");
    out.push_str(&format!(
        "  {:<14}{:>14}{:>14}{:>12}\n",
        "", "rt", "tokio", "rt/tokio"
    ));
    let rows: [(&str, &str, Formatter); 5] = [
        ("requests/s", "rps", |v| format!("{:.1} k", v / 1e3)),
        ("MB/s", "mbps", |v| format!("{v:.1}")),
        ("p50 latency", "p50_us", |v| util::fmt_ns(v * 1e3)),
        ("p99 latency", "p99_us", |v| util::fmt_ns(v * 1e3)),
        ("max latency", "max_us", |v| util::fmt_ns(v * 1e3)),
    ];
    for (label, key, fmt) in rows {
        let (a, b) = (num(rt, key)?, num(tokio, key)?);
        let ratio = if b > 0.0 {
            format!("{:.2}", a / b)
        } else {
            "–".into()
        };
        out.push_str(&format!(
            "  {label:<14}{:>14}{:>14}{ratio:>12}\n",
            fmt(a),
            fmt(b)
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_compare_and_passes_the_rest() {
        let a = parse(&strings(&["--compare", "tokio", "--seconds", "1"])).unwrap();
        assert!(a.compare_tokio);
        assert_eq!(a.echo, strings(&["--seconds", "1"]));
        let a = parse(&strings(&["--compare=tokio"])).unwrap();
        assert!(a.compare_tokio && a.echo.is_empty());
        assert!(!parse(&[]).unwrap().compare_tokio);
        assert!(parse(&strings(&["--compare", "smol"])).is_err());
        assert!(parse(&strings(&["--compare"])).is_err());
        assert!(parse(&strings(&["--runtime", "tokio"])).is_err());
    }

    #[test]
    fn compare_table_has_ratios() {
        let line = |rt: &str, rps: &str| {
            util::result_fields(
                &format!(
                    "RESULT echo_demo runtime={rt} rps={rps} mbps=10 p50_us=500 p99_us=2000 max_us=4000"
                ),
                "echo_demo",
            )
            .unwrap()
        };
        let table = compare_table(&[
            ("rt", line("rt", "50000")),
            ("tokio", line("tokio", "40000")),
        ])
        .unwrap();
        assert!(table.contains("requests/s"), "{table}");
        assert!(table.contains("50.0 k"), "{table}");
        assert!(table.contains("1.25"), "{table}");
        assert!(table.contains("500.00 µs"), "{table}");
    }
}
