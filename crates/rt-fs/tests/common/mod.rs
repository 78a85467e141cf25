//! Test helpers: a unique temporary directory per test, removed on drop.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory under `std::env::temp_dir()` with a name unique to this
/// process, test and call; removed (with its contents) when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(test: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("rt-fs-test-{test}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Tests that remove permissions restore them before they end.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Bytes `0, 1, ..., 250, 0, 1, ...` (251 is prime: no alignment with
/// buffer sizes hides a misplaced chunk).
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Whether permission checks apply to this process (they do not for root).
/// Makes a 0o000 file and tries to open it.
pub fn permissions_enforced(dir: &TempDir) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("perm-probe");
    std::fs::write(&probe, b"x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let enforced = std::fs::File::open(&probe).is_err();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_file(&probe).unwrap();
    if !enforced {
        println!("skipped: permission checks do not apply to this process (running as root)");
    }
    enforced
}

/// The current-thread runtime the tests run on.
pub fn runtime() -> rt::runtime::Runtime {
    rt::runtime::Builder::new_current_thread().build().unwrap()
}

/// `assert_eq!` for big byte vectors: reports lengths and the first
/// difference instead of printing every byte.
#[track_caller]
pub fn assert_bytes_eq(got: &[u8], want: &[u8]) {
    if got != want {
        let first = got.iter().zip(want).position(|(a, b)| a != b);
        panic!(
            "bytes differ: len {} vs {}, first difference at {first:?}",
            got.len(),
            want.len()
        );
    }
}
