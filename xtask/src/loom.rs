//! `cargo xtask loom [CRATE...]`: runs every loom model in the workspace.
//!
//! A crate has loom models when its sources mention the `rt_loom` cfg (in a
//! `cfg(...)`, `cfg_attr(...)` or `cfg!(...)`) and call into `loom::model`.
//! For each such crate one cargo invocation builds the crate with
//! `RUSTFLAGS="--cfg rt_loom"` into `<target>/loom` (so the normal build in
//! `<target>` is never invalidated) and runs:
//!
//! * the unit tests and the integration tests whose source mentions `rt_loom`,
//!   filtered by the test name `loom` (a model's path must contain `loom`,
//!   e.g. `mod loom_tests` or `fn loom_wake_race`);
//! * every `tests/loom_*.rs` file without a filter: the whole file is models.
//!
//! `LOOM_MAX_PREEMPTIONS` defaults to 2 and may be overridden from the
//! environment, as may any other `LOOM_*` variable.

use crate::util::{self, Result};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A crate with loom models and the test targets that hold them.
#[derive(Debug)]
struct LoomCrate {
    package: String,
    /// Unit tests under `src/` contain models.
    lib: bool,
    /// Integration tests (by target name) that mention `rt_loom`, run filtered.
    filtered_tests: Vec<String>,
    /// `tests/loom_*.rs` targets, run unfiltered.
    model_tests: Vec<String>,
}

/// Runs `cargo xtask loom` with the given crate filters (empty: all crates).
pub fn run(filters: &[String]) -> Result {
    if filters.iter().any(|f| f.starts_with('-')) {
        return Err("usage: cargo xtask loom [CRATE...]".into());
    }
    let (crates, without_models) = discover()?;
    for name in &without_models {
        println!(
            "loom: {name} uses the rt_loom cfg but has no loom model (no `loom::model`); skipped"
        );
    }
    if crates.is_empty() {
        println!("loom: no crate has loom models yet (no `cfg(rt_loom)` with `loom::model`)");
        return Ok(());
    }
    let selected = select(&crates, filters)?;
    let preemptions = env::var("LOOM_MAX_PREEMPTIONS").unwrap_or_else(|_| "2".into());
    let loom_target = util::target_dir().join("loom");
    let mut rustflags = env::var("RUSTFLAGS").unwrap_or_default();
    if !rustflags.is_empty() {
        rustflags.push(' ');
    }
    rustflags.push_str("--cfg rt_loom");

    let mut timings: Vec<(String, Duration, usize)> = Vec::new();
    for krate in selected {
        println!(
            "\n==> loom: {} (LOOM_MAX_PREEMPTIONS={preemptions})",
            krate.package
        );
        let mut passed = 0usize;
        let (result, elapsed) = util::timed(|| -> Result {
            let mut groups: Vec<(Vec<String>, Option<&str>)> = Vec::new();
            let mut filtered = Vec::new();
            if krate.lib {
                filtered.push("--lib".to_string());
            }
            for t in &krate.filtered_tests {
                filtered.push("--test".into());
                filtered.push(t.clone());
            }
            if !filtered.is_empty() {
                groups.push((filtered, Some("loom")));
            }
            if !krate.model_tests.is_empty() {
                let mut args = Vec::new();
                for t in &krate.model_tests {
                    args.push("--test".to_string());
                    args.push(t.clone());
                }
                groups.push((args, None));
            }
            for (targets, filter) in groups {
                let mut cmd = util::cargo();
                cmd.env_remove("CARGO_ENCODED_RUSTFLAGS")
                    .env("RUSTFLAGS", &rustflags)
                    .env("LOOM_MAX_PREEMPTIONS", &preemptions)
                    .arg("test")
                    .arg("--release")
                    .arg("--target-dir")
                    .arg(&loom_target)
                    .args(["-p", &krate.package])
                    .args(&targets);
                if let Some(filter) = filter {
                    cmd.arg(filter);
                }
                util::run_tee(
                    &format!("loom models of {}", krate.package),
                    &mut cmd,
                    |line| {
                        passed += passed_count(line);
                    },
                )?;
            }
            Ok(())
        });
        result?;
        if passed == 0 {
            println!(
                "warning: loom: {} has loom code but no model ran; name models `loom*` \
                 or put them in tests/loom_*.rs",
                krate.package
            );
        }
        timings.push((krate.package.clone(), elapsed, passed));
    }
    println!("\nloom summary:");
    for (name, elapsed, passed) in &timings {
        println!(
            "  {name:<24} {passed:>4} models  {}",
            util::fmt_wall(*elapsed)
        );
    }
    Ok(())
}

/// The number of passed tests in a libtest summary line, else 0.
fn passed_count(line: &str) -> usize {
    let Some(rest) = line.strip_prefix("test result: ") else {
        return 0;
    };
    rest.split(';')
        .find_map(|part| part.trim().strip_suffix(" passed"))
        .and_then(|n| n.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn select<'a>(crates: &'a [LoomCrate], filters: &[String]) -> Result<Vec<&'a LoomCrate>> {
    if filters.is_empty() {
        return Ok(crates.iter().collect());
    }
    let mut selected: Vec<&LoomCrate> = Vec::new();
    for filter in filters {
        let exact: Vec<&LoomCrate> = crates.iter().filter(|c| &c.package == filter).collect();
        let matches = if exact.is_empty() {
            crates
                .iter()
                .filter(|c| c.package.contains(filter.as_str()))
                .collect()
        } else {
            exact
        };
        if matches.is_empty() {
            let names: Vec<&str> = crates.iter().map(|c| c.package.as_str()).collect();
            return Err(format!(
                "loom: no crate with loom models matches `{filter}`; crates with models: {}",
                names.join(", ")
            ));
        }
        for m in matches {
            if !selected.iter().any(|s| s.package == m.package) {
                selected.push(m);
            }
        }
    }
    Ok(selected)
}

/// Finds the crates under `crates/` that have loom models, and the names of
/// those that use the `rt_loom` cfg without any model.
fn discover() -> Result<(Vec<LoomCrate>, Vec<String>)> {
    let crates_dir = util::root().join("crates");
    let entries = fs::read_dir(&crates_dir)
        .map_err(|e| format!("loom: cannot read {}: {e}", crates_dir.display()))?;
    let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    dirs.sort();
    let mut out = Vec::new();
    let mut without_models = Vec::new();
    for dir in dirs {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let Some(package) = util::package_name(&manifest) else {
            continue;
        };
        let src: Vec<String> = util::rust_files(&dir.join("src"))
            .iter()
            .filter_map(|p| fs::read_to_string(p).ok())
            .collect();
        let src_has_cfg = src.iter().any(|s| mentions_loom_cfg(s));
        let lib = src_has_cfg && src.iter().any(|s| s.contains("loom::model"));

        let mut filtered_tests = Vec::new();
        let mut model_tests = Vec::new();
        let mut tests_have_cfg = false;
        for (target, text) in test_targets(&dir.join("tests")) {
            tests_have_cfg |= mentions_loom_cfg(&text);
            if !mentions_loom_cfg(&text) && !target.starts_with("loom") {
                continue;
            }
            if target.starts_with("loom_") || target == "loom" {
                model_tests.push(target);
            } else if text.contains("loom::model") {
                filtered_tests.push(target);
            }
        }
        if lib || !filtered_tests.is_empty() || !model_tests.is_empty() {
            out.push(LoomCrate {
                package,
                lib,
                filtered_tests,
                model_tests,
            });
        } else if src_has_cfg || tests_have_cfg {
            without_models.push(package);
        }
    }
    Ok((out, without_models))
}

/// Whether a source text uses the `rt_loom` cfg in `cfg(..)`, `cfg_attr(..)` or `cfg!(..)`.
fn mentions_loom_cfg(text: &str) -> bool {
    text.lines()
        .any(|line| line.contains("rt_loom") && line.contains("cfg"))
}

/// The integration-test targets of a `tests/` dir: `tests/NAME.rs` and
/// `tests/NAME/main.rs` (with the text of every file of the target).
fn test_targets(tests: &Path) -> Vec<(String, String)> {
    let Ok(entries) = fs::read_dir(tests) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push((stem, fs::read_to_string(&path).unwrap_or_default()));
        } else if path.is_dir() && path.join("main.rs").is_file() {
            let text: String = util::rust_files(&path)
                .iter()
                .filter_map(|p| fs::read_to_string(p).ok())
                .collect::<Vec<_>>()
                .join("\n");
            out.push((stem, text));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_passed_tests() {
        assert_eq!(
            passed_count("test result: ok. 7 passed; 0 failed; 2 ignored; 0 measured; 3 filtered out; finished in 0.50s"),
            7
        );
        assert_eq!(passed_count("running 7 tests"), 0);
    }

    #[test]
    fn detects_loom_cfg() {
        assert!(mentions_loom_cfg(
            "#[cfg(all(test, rt_loom))]\nmod loom_tests {}"
        ));
        assert!(mentions_loom_cfg("if cfg!(rt_loom) { }"));
        assert!(!mentions_loom_cfg("// rt_loom is described elsewhere"));
    }

    fn krate(name: &str) -> LoomCrate {
        LoomCrate {
            package: name.into(),
            lib: true,
            filtered_tests: vec![],
            model_tests: vec![],
        }
    }

    #[test]
    fn selects_exact_then_substring() {
        let crates = vec![krate("rt-task"), krate("rt-sched-mt"), krate("rt-sync")];
        let pick = |f: &[&str]| -> Result<Vec<String>> {
            let filters: Vec<String> = f.iter().map(|s| s.to_string()).collect();
            Ok(select(&crates, &filters)?
                .into_iter()
                .map(|c| c.package.clone())
                .collect())
        };
        assert_eq!(pick(&[]).unwrap().len(), 3);
        assert_eq!(pick(&["rt-task"]).unwrap(), ["rt-task"]);
        assert_eq!(pick(&["sched"]).unwrap(), ["rt-sched-mt"]);
        assert_eq!(pick(&["rt-s"]).unwrap(), ["rt-sched-mt", "rt-sync"]);
        assert!(pick(&["nope"]).unwrap_err().contains("rt-task"));
    }
}
