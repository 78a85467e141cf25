//! Helpers shared by the subcommands: locating the workspace, spawning cargo,
//! timing steps, and a little text parsing (std only, so xtask builds fast).

use std::collections::BTreeMap;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The result type of every subcommand: the error is a message for the user.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The target directory of normal builds: `$CARGO_TARGET_DIR` (relative paths
/// are taken from the workspace root) or `<root>/target`.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        _ => root().join("target"),
    }
}

/// A `cargo` command (the same cargo that runs xtask) run from the workspace root.
pub fn cargo() -> Command {
    let program = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(program);
    cmd.current_dir(root());
    cmd
}

/// A readable rendering of a command line, with the environment variables
/// that the command sets explicitly in front (like a shell would show them).
pub fn describe(cmd: &Command) -> String {
    let mut out = String::new();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            out.push_str(&format!(
                "{}={} ",
                key.to_string_lossy(),
                quote(&value.to_string_lossy())
            ));
        }
    }
    let program = Path::new(cmd.get_program())
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| cmd.get_program().to_string_lossy().into_owned());
    out.push_str(&program);
    for arg in cmd.get_args() {
        out.push(' ');
        out.push_str(&quote(&arg.to_string_lossy()));
    }
    out
}

fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Runs `cmd` with inherited stdio and fails with a message naming `what`
/// when it cannot start or exits unsuccessfully.
pub fn run(what: &str, cmd: &mut Command) -> Result {
    println!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: could not start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: `{}` exited with {status}", describe(cmd)))
    }
}

/// Runs `cmd`, echoing its stdout line by line while handing each line to
/// `on_line`; stderr is inherited. Fails like [`run`].
pub fn run_tee(what: &str, cmd: &mut Command, mut on_line: impl FnMut(&str)) -> Result {
    println!("$ {}", describe(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: could not start `{}`: {e}", describe(cmd)))?;
    let stdout = child.stdout.take().expect("stdout was piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("{what}: reading output: {e}"))?;
        println!("{line}");
        on_line(&line);
    }
    let status = child
        .wait()
        .map_err(|e| format!("{what}: waiting for `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: `{}` exited with {status}", describe(cmd)))
    }
}

/// Runs `cmd` and returns its stdout (stderr is inherited), failing like [`run`].
pub fn output(what: &str, cmd: &mut Command) -> Result<String> {
    println!("$ {}", describe(cmd));
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{what}: could not start `{}`: {e}", describe(cmd)))?;
    if !out.status.success() {
        return Err(format!(
            "{what}: `{}` exited with {}",
            describe(cmd),
            out.status
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{what}: output is not UTF-8"))
}

/// Whether `cmd` runs and exits successfully, with all output discarded.
pub fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Formats a wall-clock duration for step timings.
pub fn fmt_wall(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s ({secs:.0}s)", whole / 60, whole % 60)
    }
}

/// Formats a time in nanoseconds with a unit that keeps 3-4 significant digits.
pub fn fmt_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.3} s", ns / 1e9)
    }
}

/// Times `f`, returning its result and the elapsed wall time.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// The median of `values` (which must not be empty).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// All `.rs` files below `dir`, recursively, sorted (missing dir: none).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "rs") => {
                    out.push(path)
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// The `name` of the `[package]` table of a Cargo.toml (a minimal reader:
/// the first `name = "..."` line after `[package]`).
pub fn package_name(manifest: &Path) -> Option<String> {
    let text = fs::read_to_string(manifest).ok()?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some(rest) = line.strip_prefix("name") {
            let rest = rest.trim_start().strip_prefix('=')?.trim();
            return Some(rest.trim_matches('"').to_string());
        }
    }
    None
}

/// The JSON string value of the first `"key":"..."` in `json` (unescaped),
/// or `None` when absent or not a string. Enough for cargo's and criterion's
/// flat, machine-written JSON; not a general parser.
pub fn json_str(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\":\"");
    let start = json.find(&needle)? + needle.len();
    let mut out = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The number after the first `"key":` found at or after byte `from` in `json`.
pub fn json_num_after(json: &str, from: usize, key: &str) -> Option<f64> {
    let needle = format!("\"{key}\":");
    let start = json[from..].find(&needle)? + from + needle.len();
    let rest = json[start..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The `key=value` fields of a machine-readable line `RESULT <name> k=v ...`
/// printed by the benchmark binaries, or `None` when `line` is not one.
pub fn result_fields(line: &str, name: &str) -> Option<BTreeMap<String, String>> {
    let rest = line.strip_prefix("RESULT ")?.strip_prefix(name)?;
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some(
        rest.split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// A numeric field of [`result_fields`].
pub fn field_f64(fields: &BTreeMap<String, String>, key: &str) -> Option<f64> {
    fields.get(key)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_parse() {
        let f = result_fields(
            "RESULT echo_demo runtime=rt rps=1.5e3 p99_us=812",
            "echo_demo",
        )
        .unwrap();
        assert_eq!(f.get("runtime").map(String::as_str), Some("rt"));
        assert_eq!(field_f64(&f, "rps"), Some(1500.0));
        assert_eq!(field_f64(&f, "p99_us"), Some(812.0));
        assert_eq!(field_f64(&f, "nope"), None);
        assert!(result_fields("RESULT echo_demox runtime=rt", "echo_demo").is_none());
        assert!(result_fields("echo load (rt)", "echo_demo").is_none());
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn json_string_unescapes() {
        let json = r#"{"reason":"compiler-artifact","executable":"/a/b\\c\"d"}"#;
        assert_eq!(json_str(json, "executable").as_deref(), Some(r#"/a/b\c"d"#));
        assert_eq!(json_str(r#"{"executable":null}"#, "executable"), None);
    }

    #[test]
    fn json_number_after_key() {
        let json = r#"{"mean":{"point_estimate":5.0},"median":{"confidence_interval":{"lower_bound":1.0},"point_estimate":2.5e3}}"#;
        let at = json.find("\"median\"").unwrap();
        assert_eq!(json_num_after(json, at, "point_estimate"), Some(2500.0));
    }

    #[test]
    fn package_name_reads_package_table() {
        let dir = std::env::temp_dir().join(format!("xtask-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let manifest = dir.join("Cargo.toml");
        fs::write(
            &manifest,
            "[lib]\nname = \"nope\"\n\n[package]\nname = \"rt-sync\"\nversion = \"0.1.0\"\n",
        )
        .unwrap();
        assert_eq!(package_name(&manifest).as_deref(), Some("rt-sync"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn describe_quotes_when_needed() {
        let mut cmd = Command::new("/usr/bin/cargo");
        cmd.args(["test", "-p", "a b"])
            .env("RUSTFLAGS", "--cfg rt_loom");
        assert_eq!(
            describe(&cmd),
            "RUSTFLAGS='--cfg rt_loom' cargo test -p 'a b'"
        );
    }
}
