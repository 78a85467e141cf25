//! Side-by-side timings of rt-fs and plain blocking `std::fs` on the same
//! files, in the same run:
//!
//! * reading 10,000 small files (1 KiB each), one after the other, with
//!   `read` and with `File::open` + `read_to_end`; and with 64 reads in
//!   flight (rt only has a concurrent form; std's row is the sequential
//!   one);
//! * listing a 10,000-entry directory (`read_dir`, every entry's name);
//! * streaming one 256 MiB file through `File` + `read` into a 64 KiB
//!   buffer.
//!
//! Each workload runs `RUNS` times (default 7, or the first argument),
//! alternating std and rt, after one warm-up round (the page cache is warm
//! for both); the medians and the rt/std ratio are printed.
//!
//! ```text
//! cargo run --release -p rt-fs --example fs_bench [RUNS] [FILTER]
//! ```
//!
//! `FILTER` keeps only the rows whose name contains it.
//!
//! The workloads are plain functions (`std_*` / `rt_*`) so the shared
//! `benches/` crate can add Tokio rows on the same files.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rt_io::AsyncReadExt;

const SMALL_FILES: usize = 10_000;
const SMALL_SIZE: usize = 1024;
const BIG_SIZE: usize = 256 << 20;
const STREAM_BUF: usize = 64 * 1024;
const IN_FLIGHT: usize = 64;

struct Fixture {
    root: PathBuf,
    small_dir: PathBuf,
    small: Vec<PathBuf>,
    big: PathBuf,
}

impl Fixture {
    fn create() -> Fixture {
        let root = std::env::temp_dir().join(format!("rt-fs-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let small_dir = root.join("small");
        std::fs::create_dir_all(&small_dir).unwrap();
        let content: Vec<u8> = (0..SMALL_SIZE).map(|i| i as u8).collect();
        let small: Vec<PathBuf> = (0..SMALL_FILES)
            .map(|i| {
                let p = small_dir.join(format!("f{i:05}"));
                std::fs::write(&p, &content).unwrap();
                p
            })
            .collect();
        let big = root.join("big");
        let mut f = std::fs::File::create(&big).unwrap();
        let block: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        for _ in 0..BIG_SIZE / block.len() {
            std::io::Write::write_all(&mut f, &block).unwrap();
        }
        Fixture {
            root,
            small_dir,
            small,
            big,
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

// ===== the workloads =====

fn std_read_small(paths: &[PathBuf]) -> usize {
    paths.iter().map(|p| std::fs::read(p).unwrap().len()).sum()
}

async fn rt_read_small(paths: &[PathBuf]) -> usize {
    let mut n = 0;
    for p in paths {
        n += rt_fs::read(p).await.unwrap().len();
    }
    n
}

fn std_open_read_small(paths: &[PathBuf]) -> usize {
    let mut buf = Vec::new();
    let mut n = 0;
    for p in paths {
        buf.clear();
        n += std::fs::File::open(p)
            .unwrap()
            .read_to_end(&mut buf)
            .unwrap();
    }
    n
}

async fn rt_open_read_small(paths: &[PathBuf]) -> usize {
    let mut buf = Vec::new();
    let mut n = 0;
    for p in paths {
        buf.clear();
        let mut f = rt_fs::File::open(p).await.unwrap();
        n += f.read_to_end(&mut buf).await.unwrap();
    }
    n
}

async fn rt_read_small_concurrent(paths: &[PathBuf]) -> usize {
    let mut n = 0;
    for chunk in paths.chunks(IN_FLIGHT) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|p| rt::spawn(rt_fs::read(p.clone())))
            .collect();
        for h in handles {
            n += h.await.unwrap().unwrap().len();
        }
    }
    n
}

fn std_read_dir(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().len())
        .sum()
}

async fn rt_read_dir(dir: &Path) -> usize {
    let mut entries = rt_fs::read_dir(dir).await.unwrap();
    let mut n = 0;
    while let Some(e) = entries.next_entry().await.unwrap() {
        n += e.file_name().len();
    }
    n
}

fn std_stream(path: &Path) -> usize {
    let mut f = std::fs::File::open(path).unwrap();
    let mut buf = vec![0u8; STREAM_BUF];
    let mut n = 0;
    loop {
        let k = f.read(&mut buf).unwrap();
        if k == 0 {
            return n;
        }
        n += k;
        black_box(&buf);
    }
}

async fn rt_stream(path: &Path) -> usize {
    let mut f = rt_fs::File::open(path).await.unwrap();
    let mut buf = vec![0u8; STREAM_BUF];
    let mut n = 0;
    loop {
        let k = f.read(&mut buf).await.unwrap();
        if k == 0 {
            return n;
        }
        n += k;
        black_box(&buf);
    }
}

// ===== the harness =====

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<R>(f: impl FnOnce() -> R) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("RUNS must be a number"))
        .unwrap_or(7)
        .max(1);
    let filter = std::env::args().nth(2).unwrap_or_default();
    eprintln!("creating fixture (10,000 x 1 KiB files, one 256 MiB file)...");
    let fx = Fixture::create();
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();

    type StdFn<'a> = Box<dyn Fn() -> usize + 'a>;
    type RtFn<'a> = Box<dyn Fn(&rt::runtime::Runtime) -> usize + 'a>;
    let rows: Vec<(&str, StdFn<'_>, RtFn<'_>)> = vec![
        (
            "read 10k x 1 KiB (fs::read)",
            Box::new(|| std_read_small(&fx.small)),
            Box::new(|rt| rt.block_on(rt_read_small(&fx.small))),
        ),
        (
            "read 10k x 1 KiB (open+read_to_end)",
            Box::new(|| std_open_read_small(&fx.small)),
            Box::new(|rt| rt.block_on(rt_open_read_small(&fx.small))),
        ),
        (
            "read 10k x 1 KiB (rt: 64 in flight)",
            Box::new(|| std_read_small(&fx.small)),
            Box::new(|rt| rt.block_on(rt_read_small_concurrent(&fx.small))),
        ),
        (
            "read_dir 10k entries",
            Box::new(|| std_read_dir(&fx.small_dir)),
            Box::new(|rt| rt.block_on(rt_read_dir(&fx.small_dir))),
        ),
        (
            "stream 256 MiB, 64 KiB reads",
            Box::new(|| std_stream(&fx.big)),
            Box::new(|rt| rt.block_on(rt_stream(&fx.big))),
        ),
    ];

    println!(
        "{:<38} {:>12} {:>12} {:>8}   (median of {runs})",
        "workload", "std", "rt", "rt/std"
    );
    for (name, std_fn, rt_fn) in rows.iter().filter(|r| r.0.contains(filter.as_str())) {
        // Warm-up (page cache, pool threads), and a sanity check.
        assert_eq!(std_fn(), rt_fn(&rt), "{name}: std and rt disagree");
        let mut std_t = Vec::new();
        let mut rt_t = Vec::new();
        for _ in 0..runs {
            std_t.push(time(std_fn));
            rt_t.push(time(|| rt_fn(&rt)));
        }
        let (s, r) = (median(std_t), median(rt_t));
        println!(
            "{:<38} {:>10.2}ms {:>10.2}ms {:>8.2}",
            name,
            s.as_secs_f64() * 1e3,
            r.as_secs_f64() * 1e3,
            r.as_secs_f64() / s.as_secs_f64()
        );
    }

    // The floor under the small-file rows: one empty round trip to the pool.
    if filter.is_empty() || filter == "hop" {
        let hops: Vec<Duration> = (0..runs)
            .map(|_| {
                time(|| {
                    rt.block_on(async {
                        for _ in 0..SMALL_FILES {
                            rt::task::spawn_blocking(|| ()).await.unwrap();
                        }
                    })
                })
            })
            .collect();
        println!(
            "one empty pool hop (spawn_blocking(|| ()) awaited): {:.2}us",
            median(hops).as_secs_f64() * 1e6 / SMALL_FILES as f64
        );
    }
}
