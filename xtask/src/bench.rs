//! `cargo xtask bench [FILTER]`: rt against tokio, side by side.
//!
//! 1. Builds the criterion binary `benches/benches/runtimes.rs` and the
//!    `task_mem` probe once (release/bench profile).
//! 2. Runs the criterion binary `RT_BENCH_RUNS` times (default 5) as separate
//!    processes. Even runs measure `rt` first in every group, odd runs `tokio`
//!    first (`RT_BENCH_FIRST`), so neither runtime always gets the warmer
//!    machine. After each run it reads the median of every benchmark the run
//!    printed from `<target>/criterion/<group>/<fn>/new/estimates.json`.
//! 3. Runs `task_mem rt` and `task_mem tokio` interleaved `RT_MEM_RUNS` times
//!    (default 3) and collects bytes per idle task.
//! 4. Runs `timer_lateness both` once (2,000 real sleeps of 1–20 ms per
//!    runtime) and turns its percentiles into rows; its histogram goes into
//!    the report.
//! 5. Prints one table (workload | rt | tokio | ratio | spread of the per-run
//!    ratio; plus std | rt/std | its spread when a group also has a `std`
//!    function, as the fs suite's) and writes it, with the histogram, to
//!    `benches/results/latest.md`.
//!
//! FILTER is criterion's (a regular expression over `group/function`, e.g.
//! `echo`, `copy_`, `time_|timer|sleep`); `task_mem` and `timer_lateness`
//! run when the FILTER is a substring of their name.
//!
//! Nothing here asserts a time: the table is information, not a gate.

use crate::util::{self, Result};
use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

const RUNTIMES: [&str; 2] = ["rt", "tokio"];

/// Per run: `group -> (runtime -> median ns)`, plus the order groups appeared in.
#[derive(Default)]
struct Samples {
    order: Vec<String>,
    runs: Vec<BTreeMap<String, BTreeMap<String, f64>>>,
}

/// One row of the final table.
struct Row {
    workload: String,
    rt: Option<f64>,
    tokio: Option<f64>,
    /// Per-run rt/tokio ratios.
    ratios: Vec<f64>,
    /// Plain blocking `std` (groups with a `std` function, e.g. the fs suite).
    std: Option<f64>,
    /// Per-run rt/std ratios.
    std_ratios: Vec<f64>,
}

/// Runs `cargo xtask bench`.
pub fn run(args: &[String]) -> Result {
    let filter = match args {
        [] => None,
        [f] if !f.starts_with('-') => Some(f.as_str()),
        _ => return Err("usage: cargo xtask bench [FILTER]".into()),
    };
    let runs = env_number("RT_BENCH_RUNS", 5usize)?;
    let mem_runs = env_number("RT_MEM_RUNS", 3usize)?;
    let warmup = env_number("RT_BENCH_WARMUP", 1.0f64)?;
    let measure = env_number("RT_BENCH_MEASURE", 2.0f64)?;
    if runs == 0 {
        return Err("RT_BENCH_RUNS must be at least 1".into());
    }
    let started = Instant::now();

    println!("==> building the benchmarks");
    let bench_exe = build_executable(
        &[
            "bench",
            "-p",
            "rt-benches",
            "--bench",
            "runtimes",
            "--no-run",
        ],
        "runtimes",
    )?;
    let run_mem = mem_runs > 0 && filter.is_none_or(|f| "task_mem".contains(f));
    let run_lateness = filter.is_none_or(|f| "timer_lateness".contains(f));
    let mem_exe = if run_mem {
        Some(build_executable(
            &[
                "build",
                "--release",
                "-p",
                "rt-benches",
                "--bin",
                "task_mem",
            ],
            "task_mem",
        )?)
    } else {
        None
    };

    let lateness_exe = if run_lateness {
        Some(build_executable(
            &[
                "build",
                "--release",
                "-p",
                "rt-benches",
                "--bin",
                "timer_lateness",
            ],
            "timer_lateness",
        )?)
    } else {
        None
    };

    let criterion_home = util::target_dir().join("criterion");
    let mut samples = Samples::default();
    for i in 0..runs {
        let first = RUNTIMES[i % 2];
        println!(
            "\n==> benchmark run {}/{runs} ({first} first in each group)",
            i + 1
        );
        let run_started = SystemTime::now();
        let mut cmd = Command::new(&bench_exe);
        cmd.current_dir(util::root())
            .env("RT_BENCH_FIRST", first)
            .env("CRITERION_HOME", &criterion_home)
            // The net and time groups scale their own (shorter) timing from
            // these, since group settings override criterion's CLI flags.
            .env("RT_BENCH_WARMUP", warmup.to_string())
            .env("RT_BENCH_MEASURE", measure.to_string())
            .args(["--bench", "--noplot", "--warm-up-time"])
            .arg(warmup.to_string())
            .arg("--measurement-time")
            .arg(measure.to_string());
        if let Some(filter) = filter {
            cmd.arg(filter);
        }
        let mut seen: Vec<String> = Vec::new();
        let mut last_name = String::new();
        util::run_tee(&format!("benchmark run {}", i + 1), &mut cmd, |line| {
            if let Some(id) = benchmark_id(line, &mut last_name) {
                if !seen.contains(&id) {
                    seen.push(id);
                }
            }
        })?;
        let mut run = BTreeMap::new();
        for id in seen {
            let Some((group, function)) = id.rsplit_once('/') else {
                continue;
            };
            let estimates = criterion_home
                .join(group)
                .join(function)
                .join("new/estimates.json");
            let median = read_median(&estimates, run_started)?;
            if !samples.order.iter().any(|g| g == group) {
                samples.order.push(group.to_string());
            }
            run.entry(group.to_string())
                .or_insert_with(BTreeMap::new)
                .insert(function.to_string(), median);
        }
        samples.runs.push(run);
    }

    let mut rows = time_rows(&samples);
    let mut errors = Vec::new();
    if let Some(mem_exe) = mem_exe {
        rows.extend(memory_rows(&mem_exe, mem_runs, &mut errors));
    }
    let mut histogram = None;
    if let Some(exe) = lateness_exe {
        match lateness(&exe) {
            Ok((lateness_rows, text)) => {
                rows.extend(lateness_rows);
                histogram = Some(text);
            }
            Err(e) => {
                println!("warning: {e}");
                errors.push(e);
            }
        }
    }
    if rows.is_empty() {
        return Err(match filter {
            Some(f) => format!("bench: no benchmark matched the filter `{f}`"),
            None => "bench: the benchmark binary reported no benchmarks".into(),
        });
    }

    let table = render_table(&rows);
    let mut report = render_report(&table, runs, mem_runs, warmup, measure, filter);
    if let Some(histogram) = &histogram {
        let _ = write!(
            report,
            "\n## Timer lateness (`timer_lateness both`)\n\n```text\n{histogram}```\n"
        );
    }
    for e in &errors {
        let _ = writeln!(report, "\n**failed:** {e}");
    }
    if let Some(histogram) = &histogram {
        println!("\n{histogram}");
    }
    println!("{table}");
    // `RT_BENCH_OUT` redirects the report (so that concurrent partial runs
    // do not overwrite each other's `latest.md`).
    let latest = match env::var_os("RT_BENCH_OUT") {
        Some(path) => std::path::PathBuf::from(path),
        None => util::root().join("benches/results/latest.md"),
    };
    if let Some(dir) = latest.parent() {
        fs::create_dir_all(dir)
            .map_err(|e| format!("bench: cannot create {}: {e}", dir.display()))?;
    }
    fs::write(&latest, report)
        .map_err(|e| format!("bench: cannot write {}: {e}", latest.display()))?;
    println!(
        "written to {} (total {})",
        latest.display(),
        util::fmt_wall(started.elapsed())
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "bench: some measurements failed: {}",
            errors.join("; ")
        ))
    }
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a valid number")),
        _ => Ok(default),
    }
}

/// Builds with `cargo <args> --message-format=json-render-diagnostics` and
/// returns the executable of the target named `target`.
pub(crate) fn build_executable(args: &[&str], target: &str) -> Result<PathBuf> {
    let out = util::output(
        &format!("building {target}"),
        util::cargo()
            .args(args)
            .arg("--message-format=json-render-diagnostics"),
    )?;
    let name_field = format!("\"name\":\"{target}\"");
    out.lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\"") && l.contains(&name_field))
        .find_map(|l| util::json_str(l, "executable"))
        .map(PathBuf::from)
        .ok_or_else(|| format!("building {target}: cargo reported no executable for it"))
}

/// The `group/function` whose result a line of criterion's stdout reports.
///
/// Criterion prints `group/fn   time:   [..]` on one line, or, for long names,
/// the name alone and `time:` indented on the next line; `last_name` carries
/// the most recent unindented line between calls.
fn benchmark_id(line: &str, last_name: &mut String) -> Option<String> {
    if line.is_empty() {
        return None;
    }
    if !line.starts_with(char::is_whitespace) {
        let first = line.split_whitespace().next().unwrap_or_default();
        *last_name = first.to_string();
    }
    let after_name = line.trim_start().trim_start_matches(last_name.as_str());
    if !after_name.trim_start().starts_with("time:") {
        return None;
    }
    let id = last_name.clone();
    id.contains('/').then_some(id)
}

/// The median point estimate (ns) in a criterion `estimates.json` written
/// after `since`.
fn read_median(path: &Path, since: SystemTime) -> Result<f64> {
    let fresh = fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| t >= since)
        .unwrap_or(false);
    if !fresh {
        return Err(format!(
            "bench: {} was not written by this run (is CRITERION_HOME honoured?)",
            path.display()
        ));
    }
    let json = fs::read_to_string(path)
        .map_err(|e| format!("bench: cannot read {}: {e}", path.display()))?;
    json.find("\"median\"")
        .and_then(|at| util::json_num_after(&json, at, "point_estimate"))
        .ok_or_else(|| format!("bench: no median in {}", path.display()))
}

fn time_rows(samples: &Samples) -> Vec<Row> {
    samples
        .order
        .iter()
        .map(|group| {
            let per_run: Vec<&BTreeMap<String, f64>> =
                samples.runs.iter().filter_map(|r| r.get(group)).collect();
            let values = |rt: &str| -> Vec<f64> {
                per_run.iter().filter_map(|m| m.get(rt).copied()).collect()
            };
            let ratios_to = |base: &str| -> Vec<f64> {
                per_run
                    .iter()
                    .filter_map(|m| Some(m.get("rt")? / m.get(base)?))
                    .collect()
            };
            Row {
                workload: group.clone(),
                rt: median_opt(&values("rt")),
                tokio: median_opt(&values("tokio")),
                ratios: ratios_to("tokio"),
                std: median_opt(&values("std")),
                std_ratios: ratios_to("std"),
            }
        })
        .collect()
}

fn median_opt(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| util::median(values))
}

/// One `task_mem` result.
#[derive(Debug, PartialEq)]
struct Mem {
    rss: f64,
    heap: f64,
}

/// Runs the task-memory probe; a runtime whose probe fails is reported in
/// `errors` and not run again, and its cells stay empty.
fn memory_rows(exe: &Path, runs: usize, errors: &mut Vec<String>) -> Vec<Row> {
    let mut results: BTreeMap<&str, Vec<Mem>> = BTreeMap::new();
    let mut failed: Vec<&str> = Vec::new();
    for i in 0..runs {
        let order = if i % 2 == 0 {
            RUNTIMES
        } else {
            [RUNTIMES[1], RUNTIMES[0]]
        };
        for runtime in order {
            if failed.contains(&runtime) {
                continue;
            }
            println!("\n==> task memory run {}/{runs}: {runtime}", i + 1);
            let mut found = None;
            let outcome = util::run_tee(
                &format!("task_mem {runtime}"),
                Command::new(exe).current_dir(util::root()).arg(runtime),
                |line| {
                    if let Some(mem) = parse_mem(line) {
                        found = Some(mem);
                    }
                },
            )
            .and_then(|()| {
                found.ok_or_else(|| format!("task_mem {runtime}: printed no RESULT line"))
            });
            match outcome {
                Ok(mem) => results.entry(runtime).or_default().push(mem),
                Err(e) => {
                    println!("warning: {e}");
                    errors.push(e);
                    failed.push(runtime);
                }
            }
        }
    }
    let row = |label: &str, pick: fn(&Mem) -> f64| -> Row {
        let get = |rt: &str| -> Vec<f64> {
            results
                .get(rt)
                .map(|v| v.iter().map(pick).collect())
                .unwrap_or_default()
        };
        let (rt, tokio) = (get("rt"), get("tokio"));
        Row {
            workload: label.to_string(),
            rt: median_opt(&rt),
            tokio: median_opt(&tokio),
            ratios: rt.iter().zip(&tokio).map(|(a, b)| a / b).collect(),
            std: None,
            std_ratios: Vec::new(),
        }
    };
    vec![
        row("task_mem: RSS bytes/idle task", |m| m.rss),
        row("task_mem: heap bytes/idle task", |m| m.heap),
    ]
}

/// Parses `RESULT task_mem runtime=rt tasks=100000 rss_bytes_per_task=.. heap_bytes_per_task=..`.
fn parse_mem(line: &str) -> Option<Mem> {
    let rest = line.strip_prefix("RESULT task_mem ")?;
    let field = |key: &str| -> Option<f64> {
        rest.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    };
    Some(Mem {
        rss: field("rss_bytes_per_task")?,
        heap: field("heap_bytes_per_task")?,
    })
}

/// Runs the timer-lateness probe once; returns its percentile rows (in ns,
/// so the table formats them as times) and its human-readable output.
fn lateness(exe: &Path) -> Result<(Vec<Row>, String)> {
    println!("\n==> timer lateness: rt and tokio");
    let mut text = String::new();
    let mut found: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    util::run_tee(
        "timer_lateness",
        Command::new(exe).current_dir(util::root()).arg("both"),
        |line| match util::result_fields(line, "timer_lateness") {
            Some(fields) => {
                if let Some(runtime) = fields.get("runtime").cloned() {
                    found.insert(runtime, fields);
                }
            }
            None => {
                text.push_str(line);
                text.push('\n');
            }
        },
    )?;
    Ok((lateness_rows(&found)?, text))
}

fn lateness_rows(found: &BTreeMap<String, BTreeMap<String, String>>) -> Result<Vec<Row>> {
    let get = |runtime: &str, key: &str| -> Result<f64> {
        found
            .get(runtime)
            .and_then(|f| util::field_f64(f, key))
            .map(|us| us * 1e3)
            .ok_or_else(|| format!("timer_lateness: no `{key}` for {runtime} in its RESULT lines"))
    };
    let mut rows = Vec::new();
    for (label, key) in [
        ("p50", "p50_us"),
        ("p90", "p90_us"),
        ("p99", "p99_us"),
        ("max", "max_us"),
    ] {
        let (rt, tokio) = (get("rt", key)?, get("tokio", key)?);
        rows.push(Row {
            workload: format!("timer_lateness: {label} late"),
            rt: Some(rt),
            tokio: Some(tokio),
            ratios: if tokio > 0.0 {
                vec![rt / tokio]
            } else {
                Vec::new()
            },
            std: None,
            std_ratios: Vec::new(),
        });
    }
    Ok(rows)
}

/// The median and the min–max spread of per-run ratios, as table cells.
fn ratio_cells(ratios: &[f64]) -> (String, String) {
    if ratios.is_empty() {
        return ("–".to_string(), "–".to_string());
    }
    let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let max = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (
        format!("{:.2}", util::median(ratios)),
        format!("{min:.2}–{max:.2}"),
    )
}

fn render_table(rows: &[Row]) -> String {
    // Columns for plain `std` only when some group measured it.
    let with_std = rows.iter().any(|r| r.std.is_some());
    let mut out = String::new();
    out.push_str(
        "| workload | rt median | tokio median | ratio rt/tokio | spread (min–max ratio) |",
    );
    if with_std {
        out.push_str(" std median | ratio rt/std | spread rt/std |");
    }
    out.push_str("\n|---|---:|---:|---:|---:|");
    if with_std {
        out.push_str("---:|---:|---:|");
    }
    out.push('\n');
    for row in rows {
        let is_mem = row.workload.starts_with("task_mem");
        let value = |v: Option<f64>| match v {
            None => "–".to_string(),
            Some(v) if is_mem => format!("{v:.1} B"),
            Some(v) => util::fmt_ns(v),
        };
        let (ratio, spread) = ratio_cells(&row.ratios);
        let _ = write!(
            out,
            "| {} | {} | {} | {ratio} | {spread} |",
            row.workload,
            value(row.rt),
            value(row.tokio)
        );
        if with_std {
            let (ratio, spread) = ratio_cells(&row.std_ratios);
            let _ = write!(out, " {} | {ratio} | {spread} |", value(row.std));
        }
        out.push('\n');
    }
    out
}

fn render_report(
    table: &str,
    runs: usize,
    mem_runs: usize,
    warmup: f64,
    measure: f64,
    filter: Option<&str>,
) -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "rustc (unknown version)".into());
    let mut out = String::new();
    let _ = writeln!(out, "# rt vs tokio: `cargo xtask bench`\n");
    let _ = writeln!(out, "- date (UTC): {}", utc_now());
    let _ = writeln!(out, "- machine: {cpu}, {cores} cores; {rustc}");
    let _ = writeln!(
        out,
        "- {runs} criterion run(s), separate processes, alternating which runtime goes first; \
         warm-up {warmup} s, measurement {measure} s per benchmark"
    );
    let _ = writeln!(
        out,
        "- times are the median over runs of criterion's median per iteration; the ratio is the \
         median of the per-run rt/tokio ratios, the spread their min–max (below 1: rt is faster \
         or smaller)"
    );
    if mem_runs > 0 {
        let _ = writeln!(
            out,
            "- task_mem: 100,000 idle tasks on a current-thread runtime, {mem_runs} interleaved run(s) per runtime"
        );
    }
    let _ = writeln!(
        out,
        "- net and time groups: 30% of the warm-up and 60% of the measurement time; \
         timer_lateness: one run of 2,000 real sleeps per runtime (how late, not how fast)"
    );
    if let Some(filter) = filter {
        let _ = writeln!(out, "- filter: `{filter}`");
    }
    out.push('\n');
    out.push_str(table);
    out
}

/// The current UTC time as `YYYY-MM-DD HH:MM`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (proleptic Gregorian), valid for dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rem / 3_600,
        rem % 3_600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmark_ids_from_result_lines() {
        let out = "chained_spawn/tokio     time:   [206.37 µs 229.68 µs 254.39 µs]\n\
                   \x20                       change: [-12.1% -2.7% +8.1%] (p = 0.62 > 0.05)\n\
                   Found 6 outliers among 50 measurements (12.00%)\n\
                   \x20 2 (4.00%) low severe\n\
                   \n\
                   spawn_many_remote_10000/tokio\n\
                   \x20                       time:   [3.5101 ms 3.6399 ms 3.7863 ms]\n";
        let mut last = String::new();
        let ids: Vec<String> = out
            .lines()
            .filter_map(|l| benchmark_id(l, &mut last))
            .collect();
        assert_eq!(
            ids,
            ["chained_spawn/tokio", "spawn_many_remote_10000/tokio"]
        );
    }

    #[test]
    fn parses_mem_result_line() {
        let line = "RESULT task_mem runtime=rt tasks=100000 rss_bytes_per_task=250.5 heap_bytes_per_task=192";
        assert_eq!(
            parse_mem(line),
            Some(Mem {
                rss: 250.5,
                heap: 192.0
            })
        );
        assert_eq!(parse_mem("task_mem: rt"), None);
    }

    #[test]
    fn table_has_ratio_and_spread() {
        let rows = vec![Row {
            workload: "yield_many".into(),
            rt: Some(2_000.0),
            tokio: Some(1_000.0),
            ratios: vec![2.0, 1.5, 2.5],
            std: None,
            std_ratios: Vec::new(),
        }];
        let table = render_table(&rows);
        assert!(table.contains("| yield_many | 2.00 µs | 1.00 µs | 2.00 | 1.50–2.50 |\n"));
        assert!(!table.contains("rt/std"));
    }

    #[test]
    fn table_has_std_columns_when_measured() {
        let rows = vec![
            Row {
                workload: "fs_read".into(),
                rt: Some(2_000.0),
                tokio: Some(4_000.0),
                ratios: vec![0.5],
                std: Some(1_000.0),
                std_ratios: vec![2.0, 1.8, 2.2],
            },
            Row {
                workload: "yield_many".into(),
                rt: Some(1_000.0),
                tokio: Some(1_000.0),
                ratios: vec![1.0],
                std: None,
                std_ratios: Vec::new(),
            },
        ];
        let table = render_table(&rows);
        assert!(table.contains("| ratio rt/std |"));
        assert!(table.contains(
            "| fs_read | 2.00 µs | 4.00 µs | 0.50 | 0.50–0.50 | 1.00 µs | 2.00 | 1.80–2.20 |\n"
        ));
        assert!(
            table.contains("| yield_many | 1.00 µs | 1.00 µs | 1.00 | 1.00–1.00 | – | – | – |\n")
        );
    }

    #[test]
    fn lateness_rows_from_results() {
        let mut found = BTreeMap::new();
        for (rt, p50) in [("rt", "900"), ("tokio", "1000")] {
            let line = format!(
                "RESULT timer_lateness runtime={rt} sleeps=2000 early=0 p50_us={p50} p90_us=1500 p99_us=2000 max_us=9000"
            );
            found.insert(
                rt.to_string(),
                util::result_fields(&line, "timer_lateness").unwrap(),
            );
        }
        let rows = lateness_rows(&found).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].rt, Some(900_000.0));
        assert_eq!(rows[0].ratios, vec![0.9]);
        found.remove("tokio");
        assert!(lateness_rows(&found).is_err());
    }

    #[test]
    fn time_rows_pair_runs() {
        let mut samples = Samples::default();
        samples.order.push("g".into());
        for (rt, tokio) in [(1.0, 2.0), (3.0, 2.0), (2.0, 2.0)] {
            let mut m = BTreeMap::new();
            m.insert("rt".to_string(), rt);
            m.insert("tokio".to_string(), tokio);
            let mut run = BTreeMap::new();
            run.insert("g".to_string(), m);
            samples.runs.push(run);
        }
        let rows = time_rows(&samples);
        assert_eq!(rows[0].rt, Some(2.0));
        assert_eq!(rows[0].tokio, Some(2.0));
        assert_eq!(rows[0].ratios, vec![0.5, 1.5, 1.0]);
        assert_eq!(rows[0].std, None);
        assert!(rows[0].std_ratios.is_empty());
    }

    #[test]
    fn utc_date_format() {
        let now = utc_now();
        assert_eq!(now.len(), "2026-11-21 21:53".len());
        assert!(now.starts_with("20"));
    }
}
