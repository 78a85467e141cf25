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
/// and returns its result with the hops it spent.
fn count<F: std::future::Future>(f: F) -> (F::Output, usize) {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let before = hops::get();
    let out = rt.block_on(f);
    (out, hops::get() - before)
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
    let (n, hops) = count(async {
        let mut f = crate::File::open(&path).await.unwrap();
        let mut buf = [0u8; 100];
        let mut n = 0;
        for _ in 0..1000 {
            let k = f.read(&mut buf).await.unwrap();
            if k == 0 {
                break;
            }
            n += k;
        }
        n
    });
    assert_eq!(n, 60_000);
    assert_eq!(hops, 2, "600 reads of 100 bytes: open + one read-ahead");
}

#[test]
fn streaming_a_file_grows_the_window() {
    let dir = Dir::new("stream");
    let path = dir.0.join("f");
    let len = 8 << 20;
    std::fs::write(&path, vec![3u8; len]).unwrap();
    let (n, hops) = count(async {
        let mut f = crate::File::open(&path).await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut n = 0;
        for _ in 0..len {
            let k = f.read(&mut buf).await.unwrap();
            if k == 0 {
                break;
            }
            n += k;
        }
        n
    });
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
