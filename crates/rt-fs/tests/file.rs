//! `File` and `OpenOptions`: reads, writes, seeks and their interleavings,
//! background write errors, conversions, the `&self` operations.

mod common;

use std::io::{ErrorKind, SeekFrom};
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use common::{assert_bytes_eq, pattern, permissions_enforced, TempDir};
use rt_fs::{File, OpenOptions};
use rt_io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

const ENOSPC: i32 = 28;

#[rt::test(flavor = "current_thread")]
async fn create_write_flush_read_back() {
    let dir = TempDir::new("create_write");
    let path = dir.join("f");
    let mut f = File::create(&path).await.unwrap();
    f.write_all(b"hello, world!").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"hello, world!");

    let mut f = File::open(&path).await.unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "hello, world!");
}

#[rt::test(flavor = "current_thread")]
async fn one_mib_round_trip_big_and_small_writes() {
    let dir = TempDir::new("round_trip");
    let data = pattern(1 << 20);

    // One big write_all.
    let path = dir.join("big");
    let mut f = File::create(&path).await.unwrap();
    f.write_all(&data).await.unwrap();
    f.flush().await.unwrap();
    assert_bytes_eq(&std::fs::read(&path).unwrap(), &data);
    let mut back = Vec::new();
    File::open(&path)
        .await
        .unwrap()
        .read_to_end(&mut back)
        .await
        .unwrap();
    assert_bytes_eq(&back, &data);

    // Many small writes (coalesced behind the background writer).
    let path = dir.join("small");
    let mut f = File::create(&path).await.unwrap();
    for chunk in data.chunks(100) {
        f.write_all(chunk).await.unwrap();
    }
    f.shutdown().await.unwrap();
    assert_bytes_eq(&std::fs::read(&path).unwrap(), &data);

    // Read back through small reads.
    let mut f = File::open(&path).await.unwrap();
    let mut back = Vec::new();
    let mut buf = [0u8; 777];
    // Bounded; reads may come short at read-ahead chunk boundaries.
    for _ in 0..data.len() {
        let n = f.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        back.extend_from_slice(&buf[..n]);
    }
    assert_bytes_eq(&back, &data);
}

#[rt::test(flavor = "current_thread")]
async fn vectored_writes() {
    let dir = TempDir::new("vectored");
    let path = dir.join("f");
    let mut f = File::create(&path).await.unwrap();
    assert!(rt_io::AsyncWrite::is_write_vectored(&f));
    let bufs = [
        std::io::IoSlice::new(b"ab"),
        std::io::IoSlice::new(b""),
        std::io::IoSlice::new(b"cde"),
    ];
    let n = f.write_vectored(&bufs).await.unwrap();
    assert_eq!(n, 5);
    let n = f.write_vectored(&bufs).await.unwrap();
    assert_eq!(n, 5);
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"abcdeabcde");
}

#[rt::test(flavor = "current_thread")]
async fn dropped_file_still_writes_its_buffer() {
    let dir = TempDir::new("drop_writes");
    let path = dir.join("f");
    let data = pattern(300_000);
    {
        let mut f = File::create(&path).await.unwrap();
        f.write_all(&data).await.unwrap();
        // Dropped without flush: the background write goes on.
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if std::fs::read(&path).unwrap() == data {
            break;
        }
        assert!(Instant::now() < deadline, "background write never finished");
        rt::task::yield_now().await;
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[rt::test(flavor = "current_thread")]
async fn seek_after_buffered_write_sees_the_write() {
    let dir = TempDir::new("seek_after_write");
    let path = dir.join("f");
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .await
        .unwrap();
    f.write_all(b"hello").await.unwrap();
    // No flush: the seek waits for the write first.
    assert_eq!(f.seek(SeekFrom::Start(0)).await.unwrap(), 0);
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "hello");
    assert_eq!(f.stream_position().await.unwrap(), 5);
}

#[rt::test(flavor = "current_thread")]
async fn read_after_write_continues_after_it() {
    let dir = TempDir::new("read_after_write");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();
    f.write_all(b"abc").await.unwrap();
    let mut buf = [0u8; 4];
    f.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"3456");
    assert_eq!(std::fs::read(&path).unwrap(), b"abc3456789");
}

#[rt::test(flavor = "current_thread")]
async fn write_after_read_lands_at_the_logical_position() {
    // The first read brings the whole file (read-ahead); the write must
    // still go right after the two bytes handed out.
    let dir = TempDir::new("write_after_read");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"01");
    f.write_all(b"XY").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"01XY456789");
    let mut rest = String::new();
    f.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "456789");
}

#[rt::test(flavor = "current_thread")]
async fn seek_current_counts_from_the_logical_position() {
    let dir = TempDir::new("seek_current");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    assert_eq!(f.seek(SeekFrom::Current(3)).await.unwrap(), 5);
    f.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"56");
    assert_eq!(f.stream_position().await.unwrap(), 7);
    assert_eq!(f.seek(SeekFrom::End(-1)).await.unwrap(), 9);
    f.read_exact(&mut two[..1]).await.unwrap();
    assert_eq!(two[0], b'9');
    assert_eq!(f.read(&mut two).await.unwrap(), 0);
    // Seeking before the start is the OS's InvalidInput.
    let err = f.seek(SeekFrom::Current(-100)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    // The file is still usable.
    f.rewind().await.unwrap();
    f.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"01");
}

#[rt::test(flavor = "current_thread")]
async fn a_failed_seek_keeps_the_position() {
    // The read-ahead is discarded for the seek; when the seek fails, the OS
    // offset must come back to the logical position.
    let dir = TempDir::new("failed_seek");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    let err = f.seek(SeekFrom::Current(-5)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = f.seek(SeekFrom::End(-100)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = f.seek(SeekFrom::Current(i64::MIN)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(f.stream_position().await.unwrap(), 2);
    f.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"23");
}

#[rt::test(flavor = "current_thread")]
async fn start_seek_twice_without_complete_is_an_error() {
    use rt_io::AsyncSeek;
    use std::pin::Pin;
    let dir = TempDir::new("start_seek_twice");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = File::open(&path).await.unwrap();
    Pin::new(&mut f).start_seek(SeekFrom::Start(4)).unwrap();
    let err = Pin::new(&mut f).start_seek(SeekFrom::Start(1)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    let pos = std::future::poll_fn(|cx| Pin::new(&mut f).poll_complete(cx))
        .await
        .unwrap();
    assert_eq!(pos, 4);
    let mut b = [0u8; 1];
    f.read_exact(&mut b).await.unwrap();
    assert_eq!(&b, b"4");
}

#[rt::test(flavor = "current_thread")]
async fn set_len_truncates_and_extends_without_moving_the_cursor() {
    let dir = TempDir::new("set_len");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    f.set_len(4).await.unwrap();
    assert_eq!(f.metadata().await.unwrap().len(), 4);
    // The bytes read ahead before the truncation are gone.
    let mut rest = Vec::new();
    f.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"23");
    f.set_len(8).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"0123\0\0\0\0");
    // set_len after a buffered write waits for it.
    f.rewind().await.unwrap();
    f.write_all(b"abcdef").await.unwrap();
    f.set_len(6).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"abcdef");
}

#[rt::test(flavor = "current_thread")]
async fn set_len_on_a_read_only_file_fails() {
    let dir = TempDir::new("set_len_ro");
    let path = dir.join("f");
    std::fs::write(&path, b"0123").unwrap();
    let f = File::open(&path).await.unwrap();
    let err = f.set_len(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    // Reported once; the file works on.
    assert_eq!(f.metadata().await.unwrap().len(), 4);
}

#[rt::test(flavor = "current_thread")]
async fn append_mode_always_writes_at_the_end() {
    let dir = TempDir::new("append");
    let path = dir.join("f");
    std::fs::write(&path, b"start|").unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .append(true)
        .open(&path)
        .await
        .unwrap();
    f.write_all(b"one|").await.unwrap();
    f.seek(SeekFrom::Start(0)).await.unwrap();
    let mut five = [0u8; 5];
    f.read_exact(&mut five).await.unwrap();
    assert_eq!(&five, b"start");
    f.write_all(b"two").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"start|one|two");
}

#[rt::test(flavor = "current_thread")]
async fn write_error_surfaces_on_flush_once() {
    let mut f = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .await
        .unwrap();
    // The write is accepted into the buffer...
    assert_eq!(f.write(b"doomed").await.unwrap(), 6);
    // ...and its failure reported by the flush.
    let err = f.flush().await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOSPC));
    // Exactly once.
    f.flush().await.unwrap();
    // And again for the next failed write.
    f.write_all(b"again").await.unwrap();
    let err = f.shutdown().await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOSPC));
}

#[rt::test(flavor = "current_thread")]
async fn write_error_surfaces_on_the_next_operation() {
    // A seek.
    let mut f = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .await
        .unwrap();
    f.write_all(b"doomed").await.unwrap();
    let err = f.seek(SeekFrom::Start(0)).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOSPC));

    // A read (the device reads as zeros).
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/full")
        .await
        .unwrap();
    f.write_all(b"doomed").await.unwrap();
    let mut buf = [1u8; 4];
    let err = f.read(&mut buf).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOSPC));
    assert_eq!(f.read(&mut buf).await.unwrap(), 4);
    assert_eq!(buf, [0; 4]);

    // sync_all (the `&self` operations wait for the writes too).
    let mut f = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .await
        .unwrap();
    f.write_all(b"doomed").await.unwrap();
    let err = f.sync_all().await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOSPC));

    // A later write: the first writes are accepted; once the failure is
    // collected, a write reports it.
    let mut f = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .await
        .unwrap();
    let mut reported = None;
    for _ in 0..10_000 {
        match f.write(b"x").await {
            Ok(n) => assert_eq!(n, 1),
            Err(e) => {
                reported = Some(e);
                break;
            }
        }
        rt::task::yield_now().await;
    }
    let err = reported.expect("the write error was never reported");
    assert_eq!(err.raw_os_error(), Some(ENOSPC));
}

#[rt::test(flavor = "current_thread")]
async fn writing_a_read_only_file_fails_on_flush() {
    let dir = TempDir::new("write_ro");
    let path = dir.join("f");
    std::fs::write(&path, b"abc").unwrap();
    let mut f = File::open(&path).await.unwrap();
    f.write_all(b"x").await.unwrap();
    let err = f.flush().await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(9)); // EBADF
    assert_eq!(std::fs::read(&path).unwrap(), b"abc");
}

#[rt::test(flavor = "current_thread")]
async fn open_errors_are_std_errors() {
    let dir = TempDir::new("open_errors");
    let err = File::open(dir.join("missing")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.raw_os_error(), Some(2));
    let std_err = std::fs::File::open(dir.join("missing")).unwrap_err();
    assert_eq!(err.to_string(), std_err.to_string());

    let path = dir.join("exists");
    std::fs::write(&path, b"").unwrap();
    let err = File::create_new(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let err = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    // No access mode: std's InvalidInput.
    let err = OpenOptions::new().open(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    // Missing parent.
    let err = File::create(dir.join("no/such/dir/f")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn create_new_creates_read_write() {
    let dir = TempDir::new("create_new");
    let path = dir.join("f");
    let mut f = File::create_new(&path).await.unwrap();
    f.write_all(b"fresh").await.unwrap();
    f.rewind().await.unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "fresh");
}

#[rt::test(flavor = "current_thread")]
async fn permission_denied_on_a_0o000_file() {
    let dir = TempDir::new("perm_denied");
    if !permissions_enforced(&dir) {
        return;
    }
    let path = dir.join("secret");
    std::fs::write(&path, b"x").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let err = File::open(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    let err = rt_fs::read(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[rt::test(flavor = "current_thread")]
async fn open_options_mode_custom_flags_and_from_std() {
    let dir = TempDir::new("open_options");
    let path = dir.join("f");
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).mode(0o600);
    let f = opts.open(&path).await.unwrap();
    let mode = f.metadata().await.unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // O_NOFOLLOW (Linux's value) refuses a symbolic link.
    #[cfg(target_os = "linux")]
    {
        const O_NOFOLLOW: i32 = 0o400000;
        let link = dir.join("link");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let err = OpenOptions::new()
            .read(true)
            .custom_flags(O_NOFOLLOW)
            .open(&link)
            .await
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(40)); // ELOOP
        OpenOptions::new().read(true).open(&link).await.unwrap();
    }

    let mut std_opts = std::fs::OpenOptions::new();
    std_opts.append(true);
    let mut f = OpenOptions::from(std_opts).open(&path).await.unwrap();
    f.write_all(b"a").await.unwrap();
    f.write_all(b"b").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"ab");
    let mut f = File::options().append(true).open(&path).await.unwrap();
    f.write_all(b"c").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"abc");
    let _ = OpenOptions::default().clone();
}

#[rt::test(flavor = "current_thread")]
async fn metadata_permissions_and_syncs() {
    let dir = TempDir::new("metadata");
    let path = dir.join("f");
    let mut f = File::create(&path).await.unwrap();
    f.write_all(b"12345").await.unwrap();
    f.sync_all().await.unwrap();
    assert_eq!(f.metadata().await.unwrap().len(), 5);
    f.write_all(b"678").await.unwrap();
    f.sync_data().await.unwrap();
    assert_eq!(f.metadata().await.unwrap().len(), 8);
    let mut perms = f.metadata().await.unwrap().permissions();
    perms.set_mode(0o640);
    f.set_permissions(perms).await.unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[rt::test(flavor = "current_thread")]
async fn concurrent_shared_operations_all_complete() {
    let dir = TempDir::new("concurrent_shared");
    let path = dir.join("f");
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .await
        .unwrap();
    f.write_all(&pattern(100_000)).await.unwrap();
    let f = f;
    let (a, b, c, d, e) = rt::join!(
        f.sync_all(),
        f.set_len(50_000),
        f.sync_data(),
        f.try_clone(),
        f.metadata()
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    d.unwrap();
    e.unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 50_000);
}

#[rt::test(flavor = "current_thread")]
async fn try_clone_shares_the_logical_position() {
    let dir = TempDir::new("try_clone");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut a = File::open(&path).await.unwrap();
    let mut two = [0u8; 2];
    a.read_exact(&mut two).await.unwrap(); // reads ahead the whole file
    let mut b = a.try_clone().await.unwrap();
    let mut three = [0u8; 3];
    b.read_exact(&mut three).await.unwrap();
    assert_eq!(&three, b"234");
    // The clones share one offset and no longer read ahead.
    a.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"56");
    b.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"78");
}

#[rt::test(flavor = "current_thread")]
async fn into_std_gives_back_the_read_ahead() {
    use std::io::Read;
    let dir = TempDir::new("into_std");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    let mut std = f.into_std().await;
    let mut rest = String::new();
    std.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "23456789");

    // A write in flight completes before the conversion.
    let path = dir.join("g");
    let mut f = File::create(&path).await.unwrap();
    f.write_all(&pattern(500_000)).await.unwrap();
    let std = f.into_std().await;
    assert_eq!(std.metadata().unwrap().len(), 500_000);
}

#[rt::test(flavor = "current_thread")]
async fn try_into_std() {
    use std::io::Read;
    let dir = TempDir::new("try_into_std");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    let mut std = f.try_into_std().expect("nothing in flight");
    let mut rest = String::new();
    std.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "23456789");

    // A failing write: in flight or failed-and-unreported, either way the
    // conversion is refused and the error survives it.
    let mut f = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .await
        .unwrap();
    f.write_all(b"doomed").await.unwrap();
    let mut f = f.try_into_std().unwrap_err();
    let err = f.flush().await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOSPC));
    f.try_into_std().expect("flushed and reported");
}

#[rt::test(flavor = "current_thread")]
async fn from_std_and_from() {
    let dir = TempDir::new("from_std");
    let path = dir.join("f");
    std::fs::write(&path, b"from std").unwrap();
    let mut f = File::from_std(std::fs::File::open(&path).unwrap());
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "from std");
    let mut f: File = std::fs::File::open(&path).unwrap().into();
    let mut v = Vec::new();
    f.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"from std");
    assert!(format!("{f:?}").starts_with("File"));
    use std::os::unix::io::{AsFd, AsRawFd, FromRawFd, IntoRawFd};
    assert_eq!(f.as_fd().as_raw_fd(), f.as_raw_fd());
    let raw = std::fs::File::open(&path).unwrap().into_raw_fd();
    // SAFETY: `raw` is an open descriptor we own and hand over.
    let mut f = unsafe { File::from_raw_fd(raw) };
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "from std");
}

#[rt::test(flavor = "current_thread")]
async fn set_max_buf_size_caps_reads_and_writes() {
    let dir = TempDir::new("max_buf");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();
    f.set_max_buf_size(4);
    let mut buf = [0u8; 100];
    let n = f.read(&mut buf).await.unwrap();
    assert!((1..=4).contains(&n), "read {n} bytes");
    assert_eq!(&buf[..n], &b"0123"[..n]);
    f.rewind().await.unwrap();
    let n = f.write(b"abcdefgh").await.unwrap();
    assert_eq!(n, 4);
    f.write_all(b"efgh").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"abcdefgh89");
}

#[test]
#[should_panic(expected = "max_buf_size must be greater than zero")]
fn set_max_buf_size_zero_panics() {
    let mut f = File::from_std(std::fs::File::open("/dev/null").unwrap());
    f.set_max_buf_size(0);
}

#[rt::test(flavor = "current_thread")]
async fn end_of_file_is_reported_once_and_growth_is_seen() {
    let dir = TempDir::new("eof_growth");
    let path = dir.join("f");
    std::fs::write(&path, b"first").unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut v = Vec::new();
    f.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"first");
    assert_eq!(f.read(&mut [0u8; 8]).await.unwrap(), 0);
    {
        use std::io::Write;
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        w.write_all(b"+more").unwrap();
    }
    let mut v = Vec::new();
    f.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"+more");
}

#[rt::test(flavor = "current_thread")]
async fn long_sequential_read_with_seeks_in_between() {
    // Big enough for the read-ahead window to grow and the prefetch to run.
    let dir = TempDir::new("long_read");
    let path = dir.join("f");
    let data = pattern(5 << 20);
    std::fs::write(&path, &data).unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut back = Vec::with_capacity(data.len());
    for _ in 0..data.len() {
        let n = f.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        back.extend_from_slice(&buf[..n]);
    }
    assert_bytes_eq(&back, &data);

    // Random-ish access in the middle of a stream.
    f.seek(SeekFrom::Start(1_000_000)).await.unwrap();
    let mut chunk = vec![0u8; 300_000];
    f.read_exact(&mut chunk).await.unwrap();
    assert_bytes_eq(&chunk, &data[1_000_000..1_300_000]);
    f.seek(SeekFrom::Current(-200_000)).await.unwrap();
    f.read_exact(&mut chunk).await.unwrap();
    assert_bytes_eq(&chunk, &data[1_100_000..1_400_000]);
    assert_eq!(f.stream_position().await.unwrap(), 1_400_000);
    f.seek(SeekFrom::End(-10)).await.unwrap();
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).await.unwrap();
    assert_eq!(tail, &data[data.len() - 10..]);
}

#[rt::test(flavor = "current_thread")]
async fn interleaved_reads_and_writes_match_a_model() {
    for seed in [
        0x9E37_79B9_7F4A_7C15,
        0x0123_4567_89AB_CDEF,
        42,
        7,
        1 << 40,
        99,
        12345,
        31337,
    ] {
        model_run(seed).await;
    }
}

/// The same operations on rt's File and on a std File must leave the same
/// bytes and return the same data.
async fn model_run(seed: u64) {
    use std::io::{Read, Seek, Write};
    let dir = TempDir::new("model");
    let a = dir.join("a");
    let b = dir.join("b");
    let init = pattern(200_000);
    std::fs::write(&a, &init).unwrap();
    std::fs::write(&b, &init).unwrap();
    let mut ours = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&a)
        .await
        .unwrap();
    let mut model = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&b)
        .unwrap();
    // A fixed pseudo-random sequence (xorshift).
    let mut x: u64 = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for step in 0..400 {
        let r = next();
        let len = (r >> 8) as usize % 5000 + 1;
        match r % 7 {
            0 | 1 => {
                let mut got = vec![0u8; len];
                let mut want = vec![0u8; len];
                let n = ours.read(&mut got).await.unwrap();
                // Our read may return fewer bytes than std's: read the same
                // count from the model.
                model.read_exact(&mut want[..n]).unwrap();
                assert!(
                    got[..n] == want[..n],
                    "seed {seed} step {step}: read differs"
                );
                if n == 0 {
                    assert_eq!(model.read(&mut want).unwrap(), 0, "step {step}");
                }
            }
            2 => {
                let data: Vec<u8> = (0..len).map(|i| (i as u8) ^ (step as u8)).collect();
                ours.write_all(&data).await.unwrap();
                model.write_all(&data).unwrap();
            }
            4 => {
                let size = (r >> 20) % 230_000;
                ours.set_len(size).await.unwrap();
                model.set_len(size).unwrap();
            }
            5 => {
                let got = ours.stream_position().await.unwrap();
                assert_eq!(
                    got,
                    model.stream_position().unwrap(),
                    "seed {seed} step {step}"
                );
            }
            _ => {
                let pos = (r >> 20) % 210_000;
                let p = match (r >> 40) % 3 {
                    0 => SeekFrom::Start(pos),
                    1 => SeekFrom::Current((pos as i64 - 105_000) / 10),
                    _ => SeekFrom::End(-((pos % 1000) as i64)),
                };
                let got = ours.seek(p).await;
                let want = model.seek(p);
                match (got, want) {
                    (Ok(g), Ok(w)) => assert_eq!(g, w, "step {step}"),
                    (Err(g), Err(w)) => assert_eq!(g.kind(), w.kind(), "step {step}"),
                    (g, w) => panic!("step {step}: {g:?} vs {w:?}"),
                }
            }
        }
    }
    ours.flush().await.unwrap();
    assert_bytes_eq(&std::fs::read(&a).unwrap(), &std::fs::read(&b).unwrap());
}

#[rt::test(flavor = "current_thread")]
async fn character_devices() {
    // /dev/zero: sequential reads (read ahead after two of them) stay zeros.
    let mut f = File::open("/dev/zero").await.unwrap();
    let mut buf = vec![1u8; 4096];
    for _ in 0..50 {
        let n = f.read(&mut buf).await.unwrap();
        assert!(n > 0);
        assert!(buf[..n].iter().all(|&b| b == 0));
        buf.fill(1);
    }
    // /dev/null: end of file at once.
    let mut f = File::open("/dev/null").await.unwrap();
    assert_eq!(f.read(&mut buf).await.unwrap(), 0);
    assert_eq!(f.read(&mut buf).await.unwrap(), 0);
}

#[rt::test(flavor = "current_thread")]
async fn dropping_a_file_with_operations_in_flight() {
    let dir = TempDir::new("drop_inflight");
    let path = dir.join("f");
    std::fs::write(&path, pattern(3 << 20)).unwrap();
    let mut f = File::open(&path).await.unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    for _ in 0..5 {
        f.read_exact(&mut buf).await.unwrap();
    }
    // A prefetch is probably in flight now; dropping must be fine.
    drop(f);
    // A read abandoned mid-way leaves the file usable.
    let mut f = File::open(&path).await.unwrap();
    {
        let fut = f.read(&mut buf);
        let mut fut = std::pin::pin!(fut);
        let waker = std::task::Waker::noop();
        let _ = fut
            .as_mut()
            .poll(&mut std::task::Context::from_waker(waker));
    }
    f.rewind().await.unwrap();
    let mut three = [0u8; 3];
    f.read_exact(&mut three).await.unwrap();
    assert_eq!(three, [0, 1, 2]);
}

use std::future::Future;

#[test]
fn types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let f = File::from_std(std::fs::File::open("/dev/null").unwrap());
    send_sync(&f);
    send_sync(&OpenOptions::new());
    send(&File::open("/dev/null"));
    send(&f.sync_all());
    send(&f.set_len(0));
    send(&f.try_clone());
    send(&rt_fs::read("x"));
    send(&rt_fs::read_dir("x"));
    send(&rt_fs::write("x", b"y"));
    fn check<T: Send + Sync>() {}
    check::<rt_fs::ReadDir>();
    check::<rt_fs::DirEntry>();
    check::<rt_fs::DirBuilder>();
}
