//! The cargo-deny step of `cargo xtask ci`.
//!
//! `cargo deny check` aborts every check when it cannot fetch the RustSec
//! advisory database, and there is no deny.toml setting to make that
//! non-fatal. This project's machines reach crates.io but not GitHub, where the
//! database lives. So the step:
//!
//! 1. tries `cargo deny fetch db`; on success runs all checks
//!    (`cargo deny check`);
//! 2. otherwise, if an earlier fetch left a database in
//!    `$CARGO_HOME/advisory-dbs`, runs all checks offline against it
//!    (`cargo deny --offline check`), saying that it may be stale;
//! 3. otherwise runs `cargo deny check bans licenses sources` and prints a
//!    loud warning that advisories were NOT checked.
//!
//! Set `RT_DENY_REQUIRE_ADVISORIES=1` to turn case 3 into a failure.

use crate::util::{self, Result};
use std::env;
use std::fs;
use std::path::PathBuf;

/// Runs the deny checks as described in the module docs.
pub fn check() -> Result {
    println!("fetching the advisory database (cargo deny fetch db)");
    if util::succeeds(util::cargo().args(["deny", "fetch", "db"])) {
        return util::run("cargo deny", util::cargo().args(["deny", "check"]));
    }
    if let Some(db) = cached_db() {
        println!(
            "warning: the advisory database could not be fetched; checking advisories \
             offline against the cached copy in {} (it may be stale)",
            db.display()
        );
        return util::run(
            "cargo deny",
            util::cargo().args(["deny", "--offline", "check"]),
        );
    }
    if env::var_os("RT_DENY_REQUIRE_ADVISORIES").is_some_and(|v| v == "1") {
        return Err("the advisory database could not be fetched and \
                    RT_DENY_REQUIRE_ADVISORIES=1"
            .into());
    }
    println!(
        "\n################################################################\n\
         warning: ADVISORIES NOT CHECKED: the RustSec advisory database cannot be\n\
         fetched from this machine and no cached copy exists. Running the\n\
         bans, licenses and sources checks only.\n\
         ################################################################\n"
    );
    util::run(
        "cargo deny",
        util::cargo().args(["deny", "check", "bans", "licenses", "sources"]),
    )
}

/// A previously fetched advisory database, if one exists.
fn cached_db() -> Option<PathBuf> {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let dbs = cargo_home.join("advisory-dbs");
    let mut entries: Vec<PathBuf> = fs::read_dir(dbs)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("crates").is_dir())
        .collect();
    entries.sort();
    entries.into_iter().next()
}
