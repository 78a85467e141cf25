//! File system workloads: rt against tokio, and both against plain blocking
//! `std::fs` on the same files (each group has the functions `rt`, `tokio`
//! and `std`; `cargo xtask bench` prints rt/std next to rt/tokio).
//!
//! Tokio's own `fs` bench shapes (`/dev/zero` read in fixed-size blocks,
//! `DEV_ZERO_BLOCKS` blocks per iteration):
//!
//! - `fs_dev_zero_read_4k`: a `File` read into a 4 KiB buffer (tokio's
//!   `async_read_buf`);
//! - `fs_dev_zero_read_64k`: the same with a 64 KiB buffer (stands in for
//!   tokio's `async_read_codec`, which needs tokio-util);
//! - `fs_dev_zero_buffered_4k`: 4 KiB reads through a 64 KiB `BufReader`
//!   around the `File`;
//! - `fs_dev_zero_spawn_blocking_4k`: a `std::fs::File` read with
//!   `read_exact` in one `spawn_blocking` per block (tokio's
//!   `async_read_std_file`, with `spawn_blocking` rather than
//!   `block_in_place` so that it runs on both flavors).
//!
//! The `std` function of each is the same loop on a blocking
//! `std::fs::File` (tokio's `sync_read`).
//!
//! The workloads, on files made once per process in a temporary
//! directory (removed when the groups are done):
//!
//! - `fs_read_small_10k`: `fs::read` of 10,000 files of `SMALL_SIZE` bytes,
//!   one after the other;
//! - `fs_open_read_small_1k`: `File::open` + `read_to_end` into a reused
//!   `Vec`, for the first `OPEN_READ_FILES` of those files (10,000 would
//!   take tokio over a second per iteration, too long for ten samples);
//! - `fs_read_dir_10k`: listing the 10,000-entry directory with `read_dir`
//!   (every entry's name);
//! - `fs_stream_256m`: one 256 MiB file streamed through a `File` with
//!   `STREAM_BLOCK`-byte reads (warm page cache for every function).
//!
//! With the feature `mt`, `fs_dev_zero_read_4k` also runs on a 2-worker
//! multi-thread runtime, as tokio's bench does.
//! Every group is flat-sampled with 10 samples and the short timing of
//! [`configure_short`], so the suite stays around a minute per run (on a
//! quiet machine).

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use super::{configure_short, Runtime};

/// Blocks read per iteration of the `/dev/zero` shapes (tokio's `BLOCK_COUNT`).
const DEV_ZERO_BLOCKS: usize = 1_000;
/// tokio's `BUFFER_SIZE`.
const SMALL_BLOCK: usize = 4 * 1024;
/// The large block of `fs_dev_zero_read_64k` and the `BufReader` capacity.
const LARGE_BLOCK: usize = 64 * 1024;
/// The device tokio's bench reads.
const DEV_ZERO: &str = "/dev/zero";
/// Small files in the fixture.
const SMALL_FILES: usize = 10_000;
/// Files read by `fs_open_read_small_1k`.
const OPEN_READ_FILES: usize = 1_000;
/// Bytes per small file.
const SMALL_SIZE: usize = 300;
/// Bytes of the big file.
const BIG_SIZE: usize = 256 << 20;
/// Read size when streaming the big file.
const STREAM_BLOCK: usize = 1 << 20;

/// One file system workload.
#[derive(Clone, Copy, Debug)]
pub enum Workload {
    /// `/dev/zero` through a `File`, in blocks of the given size.
    DevZeroRead(usize),
    /// `/dev/zero` through a `BufReader<File>`, 4 KiB reads.
    DevZeroBuffered,
    /// `/dev/zero` through a std `File`, one `spawn_blocking` per block.
    DevZeroSpawnBlocking,
    /// `fs::read` of every small file.
    ReadSmall,
    /// `File::open` + `read_to_end` of `OPEN_READ_FILES` small files.
    OpenReadSmall,
    /// `read_dir` of the small files' directory.
    ReadDir,
    /// The big file, streamed.
    Stream,
}

impl Workload {
    /// Every workload with its worker count (1: current-thread).
    fn all() -> Vec<(Workload, usize)> {
        #[allow(unused_mut)]
        let mut all = vec![
            (Workload::DevZeroRead(SMALL_BLOCK), 1),
            (Workload::DevZeroRead(LARGE_BLOCK), 1),
            (Workload::DevZeroBuffered, 1),
            (Workload::DevZeroSpawnBlocking, 1),
            (Workload::ReadSmall, 1),
            (Workload::OpenReadSmall, 1),
            (Workload::ReadDir, 1),
            (Workload::Stream, 1),
        ];
        #[cfg(feature = "mt")]
        all.push((Workload::DevZeroRead(SMALL_BLOCK), 2));
        all
    }

    fn group_name(self, workers: usize) -> String {
        let base = match self {
            Workload::DevZeroRead(block) => format!("fs_dev_zero_read_{}k", block / 1024),
            Workload::DevZeroBuffered => "fs_dev_zero_buffered_4k".into(),
            Workload::DevZeroSpawnBlocking => "fs_dev_zero_spawn_blocking_4k".into(),
            Workload::ReadSmall => "fs_read_small_10k".into(),
            Workload::OpenReadSmall => "fs_open_read_small_1k".into(),
            Workload::ReadDir => "fs_read_dir_10k".into(),
            Workload::Stream => "fs_stream_256m".into(),
        };
        if workers == 1 {
            base
        } else {
            format!("{base}_multi_thread_{workers}")
        }
    }

    fn configure(self, group: &mut BenchmarkGroup<'_, WallTime>) {
        configure_short(group);
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
    }

    /// Whether the workload reads the fixture (rather than `/dev/zero`).
    fn needs_fixture(self) -> bool {
        matches!(
            self,
            Workload::ReadSmall | Workload::OpenReadSmall | Workload::ReadDir | Workload::Stream
        )
    }
}

/// The files the workloads read, in a temporary directory that is removed
/// on drop.
pub struct Fixture {
    root: PathBuf,
    small_dir: PathBuf,
    small: Vec<PathBuf>,
    big: PathBuf,
}

impl Fixture {
    fn create() -> Fixture {
        let root = std::env::temp_dir().join(format!("rt-bench-fs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let small_dir = root.join("small");
        std::fs::create_dir_all(&small_dir).expect("creating the fixture directory");
        let content: Vec<u8> = (0..SMALL_SIZE).map(|i| (i % 251) as u8).collect();
        let small = (0..SMALL_FILES)
            .map(|i| {
                let path = small_dir.join(format!("f{i:05}"));
                std::fs::write(&path, &content).expect("writing a small file");
                path
            })
            .collect();
        let big = root.join("big");
        let mut file = std::fs::File::create(&big).expect("creating the big file");
        let block: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        for _ in 0..BIG_SIZE / block.len() {
            std::io::Write::write_all(&mut file, &block).expect("writing the big file");
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

/// Instantiates the workloads for the runtime crate `$rt`.
macro_rules! fs_suite {
    ($rt:ident) => {
        pub mod $rt {
            use super::*;
            use ::$rt::io::AsyncReadExt;
            use std::hint::black_box;
            use std::io::Read;

            workers_runtime!($rt, enable_all);

            /// `DEV_ZERO_BLOCKS` reads of `block` bytes from `/dev/zero`.
            async fn dev_zero_read(block: usize) -> usize {
                let file = ::$rt::fs::File::open(DEV_ZERO)
                    .await
                    .expect("open /dev/zero");
                read_blocks(file, &mut vec![0u8; block]).await
            }

            /// `DEV_ZERO_BLOCKS` 4 KiB reads through a 64 KiB `BufReader`.
            async fn dev_zero_buffered() -> usize {
                let file = ::$rt::fs::File::open(DEV_ZERO)
                    .await
                    .expect("open /dev/zero");
                let reader = ::$rt::io::BufReader::with_capacity(LARGE_BLOCK, file);
                read_blocks(reader, &mut [0u8; SMALL_BLOCK]).await
            }

            /// `DEV_ZERO_BLOCKS` reads of `buf.len()` bytes from `reader`.
            async fn read_blocks(
                mut reader: impl ::$rt::io::AsyncRead + Unpin,
                buf: &mut [u8],
            ) -> usize {
                let mut total = 0;
                for _ in 0..DEV_ZERO_BLOCKS {
                    let n = reader.read(buf).await.expect("read /dev/zero");
                    assert!(n > 0, "/dev/zero ended");
                    total += n;
                }
                black_box(&buf);
                total
            }

            /// `DEV_ZERO_BLOCKS` `read_exact`s of 4 KiB on a std `File`, one
            /// `spawn_blocking` each (the file and buffer travel with it).
            async fn dev_zero_spawn_blocking() -> usize {
                let open = ::$rt::task::spawn_blocking(|| std::fs::File::open(DEV_ZERO));
                let mut file = open.await.expect("open task").expect("open /dev/zero");
                let mut buf = vec![0u8; SMALL_BLOCK];
                for _ in 0..DEV_ZERO_BLOCKS {
                    (file, buf) = ::$rt::task::spawn_blocking(move || {
                        file.read_exact(&mut buf).expect("read /dev/zero");
                        (file, buf)
                    })
                    .await
                    .expect("read task");
                }
                black_box(&buf);
                DEV_ZERO_BLOCKS * SMALL_BLOCK
            }

            /// `fs::read` of every path, one after the other.
            async fn read_small(paths: &[PathBuf]) -> usize {
                let mut total = 0;
                for path in paths {
                    total += ::$rt::fs::read(path).await.expect("read").len();
                }
                total
            }

            /// `File::open` + `read_to_end` of every path into one `Vec`.
            async fn open_read_small(paths: &[PathBuf]) -> usize {
                let mut buf = Vec::new();
                let mut total = 0;
                for path in paths {
                    buf.clear();
                    let mut file = ::$rt::fs::File::open(path).await.expect("open");
                    total += file.read_to_end(&mut buf).await.expect("read_to_end");
                }
                total
            }

            /// Every entry name of `dir`.
            async fn read_dir(dir: &Path) -> usize {
                let mut entries = ::$rt::fs::read_dir(dir).await.expect("read_dir");
                let mut total = 0;
                while let Some(entry) = entries.next_entry().await.expect("next_entry") {
                    total += entry.file_name().len();
                }
                total
            }

            /// `path` read to its end in `STREAM_BLOCK`-byte reads.
            async fn stream(path: &Path) -> usize {
                let mut file = ::$rt::fs::File::open(path).await.expect("open");
                let mut buf = vec![0u8; STREAM_BLOCK];
                let mut total = 0;
                loop {
                    let n = file.read(&mut buf).await.expect("read");
                    if n == 0 {
                        return total;
                    }
                    total += n;
                    black_box(&buf);
                }
            }

            /// Registers `workload` for this runtime in `group`.
            pub fn bench(
                group: &mut BenchmarkGroup<'_, WallTime>,
                workload: Workload,
                workers: usize,
                fixture: &OnceCell<Fixture>,
            ) {
                let name = stringify!($rt);
                let mut state: Option<::$rt::runtime::Runtime> = None;
                group.bench_function(name, |b| {
                    let rt = state.get_or_insert_with(|| runtime(workers));
                    let fx = workload
                        .needs_fixture()
                        .then(|| fixture.get_or_init(Fixture::create));
                    let fx = || fx.expect("the fixture of a file workload");
                    match workload {
                        Workload::DevZeroRead(block) => {
                            b.iter(|| rt.block_on(dev_zero_read(block)))
                        }
                        Workload::DevZeroBuffered => b.iter(|| rt.block_on(dev_zero_buffered())),
                        Workload::DevZeroSpawnBlocking => {
                            b.iter(|| rt.block_on(dev_zero_spawn_blocking()))
                        }
                        Workload::ReadSmall => b.iter(|| rt.block_on(read_small(&fx().small))),
                        Workload::OpenReadSmall => {
                            let paths = &fx().small[..OPEN_READ_FILES];
                            b.iter(|| rt.block_on(open_read_small(paths)))
                        }
                        Workload::ReadDir => b.iter(|| rt.block_on(read_dir(&fx().small_dir))),
                        Workload::Stream => b.iter(|| rt.block_on(stream(&fx().big))),
                    }
                });
            }
        }
    };
}

fs_suite!(rt);
fs_suite!(tokio);

/// The same workloads on blocking `std::fs`, on the benchmark thread.
mod std_fs {
    use super::*;
    use std::hint::black_box;
    use std::io::Read;

    fn dev_zero_read(block: usize) -> usize {
        let mut file = std::fs::File::open(DEV_ZERO).expect("open /dev/zero");
        let mut buf = vec![0u8; block];
        for _ in 0..DEV_ZERO_BLOCKS {
            file.read_exact(&mut buf).expect("read /dev/zero");
        }
        black_box(&buf);
        DEV_ZERO_BLOCKS * block
    }

    fn dev_zero_buffered() -> usize {
        let file = std::fs::File::open(DEV_ZERO).expect("open /dev/zero");
        let mut reader = std::io::BufReader::with_capacity(LARGE_BLOCK, file);
        let mut buf = [0u8; SMALL_BLOCK];
        let mut total = 0;
        for _ in 0..DEV_ZERO_BLOCKS {
            let n = reader.read(&mut buf).expect("read /dev/zero");
            assert!(n > 0, "/dev/zero ended");
            total += n;
        }
        black_box(&buf);
        total
    }

    fn read_small(paths: &[PathBuf]) -> usize {
        paths
            .iter()
            .map(|p| std::fs::read(p).expect("read").len())
            .sum()
    }

    fn open_read_small(paths: &[PathBuf]) -> usize {
        let mut buf = Vec::new();
        let mut total = 0;
        for path in paths {
            buf.clear();
            let mut file = std::fs::File::open(path).expect("open");
            total += file.read_to_end(&mut buf).expect("read_to_end");
        }
        total
    }

    fn read_dir(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().len())
            .sum()
    }

    fn stream(path: &Path) -> usize {
        let mut file = std::fs::File::open(path).expect("open");
        let mut buf = vec![0u8; STREAM_BLOCK];
        let mut total = 0;
        loop {
            let n = file.read(&mut buf).expect("read");
            if n == 0 {
                return total;
            }
            total += n;
            black_box(&buf);
        }
    }

    /// Registers the blocking-std version of `workload` in `group`.
    pub fn bench(
        group: &mut BenchmarkGroup<'_, WallTime>,
        workload: Workload,
        fixture: &OnceCell<Fixture>,
    ) {
        group.bench_function("std", |b| {
            let fx = workload
                .needs_fixture()
                .then(|| fixture.get_or_init(Fixture::create));
            let fx = || fx.expect("the fixture of a file workload");
            match workload {
                Workload::DevZeroRead(block) => b.iter(|| dev_zero_read(block)),
                Workload::DevZeroBuffered => b.iter(dev_zero_buffered),
                // Blocking code has no hop: the same loop as `DevZeroRead`.
                Workload::DevZeroSpawnBlocking => b.iter(|| dev_zero_read(SMALL_BLOCK)),
                Workload::ReadSmall => b.iter(|| read_small(&fx().small)),
                Workload::OpenReadSmall => {
                    b.iter(|| open_read_small(&fx().small[..OPEN_READ_FILES]))
                }
                Workload::ReadDir => b.iter(|| read_dir(&fx().small_dir)),
                Workload::Stream => b.iter(|| stream(&fx().big)),
            }
        });
    }
}

/// Registers every file system workload, each runtime in `order` and then
/// `std`. The fixture is made the first time a selected workload needs it
/// and removed when this returns (criterion runs each benchmark as it is
/// registered).
pub fn register(criterion: &mut Criterion, order: [Runtime; 2]) {
    let fixture = OnceCell::new();
    for (workload, workers) in Workload::all() {
        let mut group = criterion.benchmark_group(workload.group_name(workers));
        workload.configure(&mut group);
        for runtime in order {
            match runtime {
                Runtime::Rt => rt::bench(&mut group, workload, workers, &fixture),
                Runtime::Tokio => tokio::bench(&mut group, workload, workers, &fixture),
            }
        }
        std_fs::bench(&mut group, workload, &fixture);
        group.finish();
    }
    drop(fixture);
}
