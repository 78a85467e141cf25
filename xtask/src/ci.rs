//! `cargo xtask ci`: the whole gate, in order, failing fast.
//!
//! Steps: rustfmt check, clippy (`-D warnings`, all targets), tests, the
//! examples' self-tests and a short stress run, rustdoc
//! (`-D warnings`), loom models, cargo-deny. Each step prints its wall time,
//! and a summary with the total is printed at the end (also on failure).

use crate::util::{self, Result};
use std::time::{Duration, Instant};

/// The cargo-deny release that `ci` installs when none is present (builds on
/// the project's Rust 1.95; its MSRV is 1.88).
const CARGO_DENY_VERSION: &str = "0.20.2";

type Step = (&'static str, fn() -> Result);

const STEPS: [Step; 7] = [
    ("fmt", fmt),
    ("clippy", clippy),
    ("test", test),
    ("examples", examples),
    ("doc", doc),
    ("loom", loom),
    ("deny", deny),
];

/// Runs `cargo xtask ci`.
pub fn run(args: &[String]) -> Result {
    if !args.is_empty() {
        return Err(format!("ci takes no arguments (got `{}`)", args.join(" ")));
    }
    let total = Instant::now();
    let mut done: Vec<(&str, Duration, bool)> = Vec::new();
    for (name, step) in STEPS {
        println!("\n==> ci step `{name}`");
        let (result, elapsed) = util::timed(step);
        println!(
            "==> ci step `{name}` {} in {}",
            if result.is_ok() { "passed" } else { "FAILED" },
            util::fmt_wall(elapsed)
        );
        done.push((name, elapsed, result.is_ok()));
        if let Err(e) = result {
            summary(&done, total.elapsed());
            return Err(format!("ci step `{name}` failed: {e}"));
        }
    }
    summary(&done, total.elapsed());
    println!("ci: all {} steps passed", STEPS.len());
    Ok(())
}

fn summary(done: &[(&str, Duration, bool)], total: Duration) {
    println!("\nci summary:");
    for (name, elapsed, ok) in done {
        let mark = if *ok { "ok" } else { "FAILED" };
        println!("  {name:<8} {mark:<7} {}", util::fmt_wall(*elapsed));
    }
    for (name, _) in STEPS.iter().skip(done.len()) {
        println!("  {name:<8} skipped");
    }
    println!("  total            {}", util::fmt_wall(total));
}

/// Runs every example's `--self-test` (each serves and drives itself on
/// loopback and exits) and a shortened stress test.
fn examples() -> Result {
    for example in ["echo_server", "chat_server", "tcp_proxy", "udp_echo"] {
        util::run(
            &format!("example {example} --self-test"),
            util::cargo().args([
                "run",
                "--quiet",
                "-p",
                "rt",
                "--features",
                "full,test-util",
                "--example",
                example,
                "--",
                "--self-test",
            ]),
        )?;
    }
    util::run(
        "stress-test (200,000 tasks per runtime)",
        util::cargo().args([
            "run",
            "--quiet",
            "-p",
            "stress-test",
            "--",
            "--tasks",
            "200000",
        ]),
    )
}

fn fmt() -> Result {
    util::run(
        "rustfmt check",
        util::cargo().args(["fmt", "--all", "--", "--check"]),
    )
}

fn clippy() -> Result {
    util::run(
        "clippy",
        util::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )
}

fn test() -> Result {
    util::run("tests", util::cargo().args(["test", "--workspace"]))
}

fn doc() -> Result {
    util::run(
        "rustdoc",
        util::cargo()
            .env("RUSTDOCFLAGS", "-D warnings")
            .args(["doc", "--workspace", "--no-deps"]),
    )
}

fn loom() -> Result {
    crate::loom::run(&[])
}

fn deny() -> Result {
    ensure_cargo_deny()?;
    crate::deny::check()
}

/// Installs cargo-deny when `cargo deny --version` fails; fails loudly when
/// that is impossible.
fn ensure_cargo_deny() -> Result {
    if util::succeeds(util::cargo().args(["deny", "--version"])) {
        return Ok(());
    }
    println!("cargo-deny is not installed; installing cargo-deny {CARGO_DENY_VERSION}");
    util::run(
        "installing cargo-deny",
        util::cargo().args([
            "install",
            "--locked",
            "cargo-deny",
            "--version",
            CARGO_DENY_VERSION,
        ]),
    )
    .map_err(|e| {
        format!("{e}\ncargo-deny is required by CI and could not be installed from crates.io")
    })?;
    if util::succeeds(util::cargo().args(["deny", "--version"])) {
        Ok(())
    } else {
        Err(
            "cargo-deny was installed but `cargo deny --version` still fails \
             (is ~/.cargo/bin on PATH?)"
                .into(),
        )
    }
}
