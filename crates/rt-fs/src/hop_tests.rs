//! How many pool hops the common patterns cost (the point of this crate),
//! counted at the one place rt-fs spawns blocking work.

use std::path::PathBuf;

use rt_io::{AsyncReadExt, AsyncWriteExt};

use crate::blocking::hops;

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("rt-fs-unit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `f` on a current-thread runtime (all spawns happen on this thread)
/// with the inline fast paths off (the pool paths' counts) and returns its
/// result with the hops it spent.
fn count<F: std::future::Future>(f: F) -> (F::Output, usize) {
    count_with(false, f)
}

/// As [`count`], with the inline fast paths on (where the platform has
/// them) if `inline`.
fn count_with<F: std::future::Future>(inline: bool, f: F) -> (F::Output, usize) {
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    crate::sys::set_disabled(!inline);
    #[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
    let _ = inline;
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let before = hops::get();
    let out = rt.block_on(f);
    let hops = hops::get() - before;
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    crate::sys::set_disabled(false);
    (out, hops)
}

/// Reads a file once with std so that its data and path are in the kernel's
/// caches (what the inline paths need); returns whether the inline paths
/// apply to it (this platform has them and its file system is local).
fn warm(path: &std::path::Path) -> bool {
    drop(std::fs::read(path).unwrap());
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    {
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(path).unwrap();
        crate::sys::local_fs(f.as_raw_fd())
    }
    #[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
    false
}

#[test]
fn open_and_read_to_end_of_a_small_file_is_two_hops() {
    let dir = Dir::new("small_file");
    let path = dir.0.join("f");
    std::fs::write(&path, vec![7u8; 1024]).unwrap();
    let (data, hops) = count(async {
        let mut f = crate::File::open(&path).await.unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v).await.unwrap();
        v
    });
    assert_eq!(data, vec![7u8; 1024]);
    assert_eq!(hops, 2, "open + one read that brings the bytes and the EOF");
}

#[test]
fn small_reads_through_a_file_share_hops() {
    let dir = Dir::new("small_reads");
    let path = dir.0.join("f");
    std::fs::write(&path, vec![1u8; 60_000]).unwrap();
    let (n, hops) = count(read_in_chunks(&path, 100));
    assert_eq!(n, 60_000);
    assert_eq!(hops, 2, "600 reads of 100 bytes: open + one read-ahead");
}

#[test]
fn streaming_a_file_grows_the_window() {
    let dir = Dir::new("stream");
    let path = dir.0.join("f");
    let len = 8 << 20;
    std::fs::write(&path, vec![3u8; len]).unwrap();
    let (n, hops) = count(read_in_chunks(&path, 64 * 1024));
    assert_eq!(n, len);
    // 64 KiB, 64 KiB, 128, 256, 512 KiB, then 1 MiB windows, plus the open
    // and the final empty read: ~15; Tokio makes 129.
    println!("streaming 8 MiB in 64 KiB reads: {hops} hops");
    assert!(hops <= 20, "{hops} hops");
}

#[test]
fn read_dir_of_10_000_entries_is_a_few_hops() {
    let dir = Dir::new("read_dir");
    for i in 0..10_000 {
        std::fs::write(dir.0.join(format!("{i}")), b"").unwrap();
    }
    let (n, hops) = count(async {
        let mut rd = crate::read_dir(&dir.0).await.unwrap();
        let mut n = 0;
        while rd.next_entry().await.unwrap().is_some() {
            n += 1;
        }
        n
    });
    assert_eq!(n, 10_000);
    // 32 with the open, then 64, 128, ..., 4096, 4096: 9 hops (Tokio: 314).
    assert_eq!(hops, 9);
}

#[test]
fn many_small_writes_are_coalesced() {
    let dir = Dir::new("writes");
    let path = dir.0.join("f");
    let (_, hops) = count(async {
        let mut f = crate::File::create(&path).await.unwrap();
        for i in 0..1000u32 {
            f.write_all(&[i as u8; 100]).await.unwrap();
        }
        f.flush().await.unwrap();
    });
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 100_000);
    // Timing decides how many batches there are; one per write would be
    // Tokio's 1,001.
    println!("1,000 writes of 100 bytes + flush: {hops} hops");
    assert!(hops <= 500, "{hops} hops for 1,000 writes");
}

#[test]
fn cached_small_files_take_no_hop_inline() {
    let dir = Dir::new("inline_small");
    let path = dir.0.join("f");
    let content: Vec<u8> = (0..300u32).map(|i| b'a' + (i % 26) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let inline = warm(&path);
    let expect = if inline { 0 } else { 1 };
    let (data, hops) = count_with(true, crate::read(&path));
    assert_eq!(data.unwrap(), content);
    assert_eq!(hops, expect, "fs::read");
    let (s, hops) = count_with(true, crate::read_to_string(&path));
    assert_eq!(s.unwrap().into_bytes(), content);
    assert_eq!(hops, expect, "fs::read_to_string");
    let expect = if inline { 0 } else { 2 };
    let (data, hops) = count_with(true, async {
        let mut f = crate::File::open(&path).await.unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v).await.unwrap();
        v
    });
    assert_eq!(data, content);
    assert_eq!(hops, expect, "File::open + read_to_end");
    let (data, hops) = count_with(true, async {
        let mut f = crate::File::open(&path).await.unwrap();
        let mut v = String::new();
        f.read_to_string(&mut v).await.unwrap();
        v
    });
    assert_eq!(data.into_bytes(), content);
    assert_eq!(hops, expect, "File::open + read_to_string");
    // 600 reads of 100 bytes of a 60 KB file: read ahead inline.
    std::fs::write(&path, vec![1u8; 60_000]).unwrap();
    let _ = warm(&path);
    let (n, hops) = count_with(true, read_in_chunks(&path, 100));
    assert_eq!(n, 60_000);
    assert_eq!(hops, expect, "small reads");
}

#[test]
fn cached_stream_takes_no_hop_inline() {
    let dir = Dir::new("inline_stream");
    let path = dir.0.join("f");
    let len = 8 << 20;
    std::fs::write(&path, vec![3u8; len]).unwrap();
    let inline = warm(&path);
    let (n, hops) = count_with(true, read_in_chunks(&path, 64 * 1024));
    assert_eq!(n, len);
    if inline {
        assert_eq!(hops, 0);
    }
}

#[test]
fn the_fast_paths_leave_everything_else_on_the_pool() {
    let dir = Dir::new("inline_other");
    let path = dir.0.join("f");
    std::fs::write(&path, b"abc").unwrap();
    // A missing file: NotFound, inline when the negative lookup is cached.
    let missing = dir.0.join("missing");
    let _ = std::fs::metadata(&missing);
    let (res, _) = count_with(true, crate::read(&missing));
    assert_eq!(res.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    let (res, _) = count_with(true, crate::File::open(&missing));
    assert_eq!(res.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    // A directory is not read inline; std's error comes from the pool.
    let (res, hops) = count_with(true, crate::read(&dir.0));
    assert!(res.is_err());
    assert_eq!(hops, 1);
    // Writing, metadata: one hop each, as before.
    let (_, hops) = count_with(true, async {
        let mut f = crate::File::create(&path).await.unwrap();
        f.write_all(b"hello").await.unwrap();
        f.flush().await.unwrap();
        f.metadata().await.unwrap()
    });
    assert_eq!(hops, 3, "create, write (+ flush), metadata");
    // procfs: its files cannot be read without blocking promises; the
    // pool reads them.
    let (status, _) = count_with(true, crate::read_to_string("/proc/self/status"));
    assert!(status.unwrap().contains("Name:"));
    // A character device reads through the pool.
    let (n, hops) = count_with(true, async {
        let mut f = crate::File::open("/dev/zero").await.unwrap();
        let mut buf = [1u8; 16];
        f.read(&mut buf).await.unwrap()
    });
    assert_eq!(n, 16);
    assert_eq!(hops, 2, "open + read of /dev/zero");
}

/// Random reads, writes, seeks and `set_len` on an rt-fs file and on a std
/// file side by side; the bytes read, the positions and the final contents
/// must agree. `inline`: with the fast paths on.
fn model(inline: bool, seed: u64, read_only: bool) {
    use std::io::{Read, Seek, SeekFrom, Write};

    use rt_io::AsyncSeekExt;

    let dir = Dir::new(&format!("model_{inline}_{seed}_{read_only}"));
    let a = dir.0.join("a");
    let b = dir.0.join("b");
    let init: Vec<u8> = (0..150_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&a, &init).unwrap();
    std::fs::write(&b, &init).unwrap();
    let ((), _) = count_with(inline, async {
        let mut ours = if read_only {
            crate::File::open(&a).await.unwrap()
        } else {
            crate::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&a)
                .await
                .unwrap()
        };
        let mut model = std::fs::OpenOptions::new()
            .read(true)
            .write(!read_only)
            .open(&b)
            .unwrap();
        let mut x = seed;
        for step in 0..300 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let r = x;
            let len = [1usize, 100, 4000, 9000, 70_000][(r >> 8) as usize % 5];
            match r % 6 {
                0 | 1 => {
                    let mut got = vec![0u8; len];
                    let n = ours.read(&mut got).await.unwrap();
                    let mut want = vec![0u8; n];
                    model.read_exact(&mut want).unwrap();
                    assert_eq!(got[..n], want[..], "{inline} {seed} step {step}");
                    if n == 0 && model.read(&mut [0u8; 1]).unwrap() == 1 {
                        // The file grew after a pool read saw its end with
                        // the last bytes: that end answers one read, never
                        // more (inline, it is never remembered at all).
                        assert!(!inline, "{seed} step {step}: stale end of file");
                        model.seek(SeekFrom::Current(-1)).unwrap();
                        let n = ours.read(&mut got).await.unwrap();
                        assert!(n > 0, "{seed} step {step}: end of file seen twice");
                        let mut want = vec![0u8; n];
                        model.read_exact(&mut want).unwrap();
                        assert_eq!(got[..n], want[..], "{seed} step {step}");
                    }
                }
                2 if !read_only => {
                    let data = vec![step as u8; len];
                    ours.write_all(&data).await.unwrap();
                    model.write_all(&data).unwrap();
                }
                3 if !read_only => {
                    let size = (r >> 20) % 160_000;
                    ours.set_len(size).await.unwrap();
                    model.set_len(size).unwrap();
                }
                2 | 3 => {
                    // Read-only: the file grows behind the reader's back;
                    // both must see it (no end of file is remembered).
                    let data = vec![step as u8; len];
                    let mut w = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
                    w.write_all(&data).unwrap();
                    let mut w = std::fs::OpenOptions::new().append(true).open(&b).unwrap();
                    w.write_all(&data).unwrap();
                }
                4 => {
                    let got = ours.stream_position().await.unwrap();
                    assert_eq!(got, model.stream_position().unwrap(), "step {step}");
                }
                _ => {
                    let pos = (r >> 20) % 170_000;
                    let p = match (r >> 40) % 3 {
                        0 => SeekFrom::Start(pos),
                        1 => SeekFrom::Current((pos as i64 - 85_000) / 10),
                        _ => SeekFrom::End(-((pos % 1000) as i64)),
                    };
                    match (ours.seek(p).await, model.seek(p)) {
                        (Ok(g), Ok(w)) => assert_eq!(g, w, "step {step}"),
                        (Err(g), Err(w)) => assert_eq!(g.kind(), w.kind(), "step {step}"),
                        (g, w) => panic!("step {step}: {g:?} vs {w:?}"),
                    }
                }
            }
        }
        ours.flush().await.unwrap();
    });
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}

#[test]
fn random_operations_match_std_with_and_without_the_fast_paths() {
    for seed in [0x9e37_79b9_7f4a_7c15, 0x2545_f491_4f6c_dd1d] {
        for read_only in [false, true] {
            model(true, seed, read_only);
            model(false, seed, read_only);
        }
    }
}

#[test]
fn growth_after_a_short_inline_read_is_seen_at_once() {
    use std::io::Write;

    let dir = Dir::new("inline_growth");
    let path = dir.0.join("f");
    std::fs::write(&path, b"abc").unwrap();
    let inline = warm(&path);
    let ((), _) = count_with(true, async {
        let mut f = crate::File::open(&path).await.unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(f.read(&mut buf).await.unwrap(), 3);
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        w.write_all(b"def").unwrap();
        let n = f.read(&mut buf).await.unwrap();
        if inline {
            // Inline, end of file is never remembered: the next read looks.
            assert_eq!(&buf[..n], b"def");
        } else {
            // Through the pool, the end seen with "abc" answers one read.
            let n = if n == 0 {
                f.read(&mut buf).await.unwrap()
            } else {
                n
            };
            assert_eq!(&buf[..n], b"def");
        }
        assert_eq!(f.read(&mut buf).await.unwrap(), 0);
    });
}

#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
#[test]
fn a_file_opened_inline_is_an_ordinary_blocking_descriptor() {
    use std::os::fd::AsRawFd;

    let dir = Dir::new("inline_flags");
    let path = dir.0.join("f");
    std::fs::write(&path, b"abc").unwrap();
    let inline = warm(&path);
    let (std_file, hops) = count_with(true, async {
        let f = crate::File::open(&path).await.unwrap();
        f.into_std().await
    });
    assert_eq!(hops, if inline { 0 } else { 1 });
    // SAFETY: `std_file` is open for the duration of the call.
    let flags = unsafe { libc::fcntl(std_file.as_raw_fd(), libc::F_GETFL) };
    assert_eq!(flags & libc::O_NONBLOCK, 0, "O_NONBLOCK left set");
    assert_eq!(flags & libc::O_ACCMODE, libc::O_RDONLY);
    // SAFETY: as above.
    let fd_flags = unsafe { libc::fcntl(std_file.as_raw_fd(), libc::F_GETFD) };
    assert_ne!(fd_flags & libc::FD_CLOEXEC, 0, "not close-on-exec");
}

#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
#[test]
fn a_fifo_is_opened_on_the_pool_and_waits_for_its_writer() {
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;

    let dir = Dir::new("inline_fifo");
    let path = dir.0.join("fifo");
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for _ in 0..2 {
        let writer_path = path.clone();
        let writer = std::thread::spawn(move || {
            // Blocks until the reader opens: a reader that opened and
            // closed at once (a non-blocking probe) would let this write
            // fail with a broken pipe.
            let mut w = std::fs::OpenOptions::new()
                .write(true)
                .open(&writer_path)
                .unwrap();
            w.write_all(b"through the fifo").unwrap();
        });
        let (data, hops) = count_with(true, crate::read(&path));
        assert_eq!(data.unwrap(), b"through the fifo");
        assert_eq!(hops, 1, "a FIFO is read on the pool");
        writer.join().unwrap();
    }
}

#[test]
fn big_files_and_files_that_grow_are_finished_on_the_pool() {
    let dir = Dir::new("inline_big");
    let path = dir.0.join("f");
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let _ = warm(&path);
    let (data, hops) = count_with(true, crate::read(&path));
    assert!(data.unwrap() == content);
    assert_eq!(hops, 1, "over the inline limit: the read goes to the pool");
}

/// Opens `path` and reads it to its end `chunk` bytes at a time (at most
/// 10,000 reads); returns the bytes read.
async fn read_in_chunks(path: &std::path::Path, chunk: usize) -> usize {
    let mut f = crate::File::open(path).await.unwrap();
    let mut buf = vec![0u8; chunk];
    let mut n = 0;
    for _ in 0..10_000 {
        let k = f.read(&mut buf).await.unwrap();
        if k == 0 {
            break;
        }
        n += k;
    }
    n
}
