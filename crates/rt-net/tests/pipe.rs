//! `unix::pipe`: anonymous pipes and FIFOs.

mod support;

use std::io::ErrorKind;
use std::path::PathBuf;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::unix::pipe::{self, OpenOptions, Receiver, Sender};
use support::Rt;

/// A fresh path in a fresh temporary directory (removed by the caller).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rt-net-pipe-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("running mkfifo");
    assert!(status.success());
}

#[test]
fn anonymous_pipe_carries_bytes_then_eof() {
    let rt = Rt::new();
    rt.block_on(async {
        let (mut tx, mut rx) = pipe::pipe().unwrap();
        // Nothing yet.
        let mut buf = [0u8; 16];
        assert_eq!(
            rx.try_read(&mut buf).map_err(|e| e.kind()),
            Err(ErrorKind::WouldBlock)
        );
        // A larger transfer than the pipe buffer, written by a task.
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let writer = async move {
            tx.write_all(&data).await.unwrap();
            tx.flush().await.unwrap();
            tx.shutdown().await.unwrap();
            // Dropping the sender closes the write end.
        };
        let mut got = Vec::new();
        let reader = rx.read_to_end(&mut got);
        let ((), n) = futures::join!(writer, reader);
        assert_eq!(n.unwrap(), expected.len());
        assert_eq!(got, expected);
    });
}

#[test]
fn try_write_and_readiness() {
    let rt = Rt::new();
    rt.block_on(async {
        let (tx, rx) = pipe::pipe().unwrap();
        tx.writable().await.unwrap();
        assert_eq!(tx.try_write(b"abc").unwrap(), 3);
        rx.readable().await.unwrap();
        let mut buf = Vec::with_capacity(8);
        assert_eq!(rx.try_read_buf(&mut buf).unwrap(), 3);
        assert_eq!(buf, b"abc");
        let slices = [std::io::IoSlice::new(b"de"), std::io::IoSlice::new(b"f")];
        assert_eq!(tx.try_write_vectored(&slices).unwrap(), 3);
        rx.readable().await.unwrap();
        let mut a = [0u8; 2];
        let mut b = [0u8; 4];
        let mut bufs = [
            std::io::IoSliceMut::new(&mut a),
            std::io::IoSliceMut::new(&mut b),
        ];
        assert_eq!(rx.try_read_vectored(&mut bufs).unwrap(), 3);
        assert_eq!(&a, b"de");
        assert_eq!(b[0], b'f');
        // Back to blocking fds: plain std I/O works on them.
        let tx = tx.into_blocking_fd().unwrap();
        let rx = rx.into_nonblocking_fd().unwrap();
        let mut tx = std::fs::File::from(tx);
        std::io::Write::write_all(&mut tx, b"z").unwrap();
        let mut rx = std::fs::File::from(rx);
        let mut one = [0u8; 1];
        std::io::Read::read_exact(&mut rx, &mut one).unwrap();
        assert_eq!(&one, b"z");
    });
}

#[test]
fn fifo_open_options() {
    let rt = Rt::new();
    let dir = temp_dir("fifo");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    rt.block_on(async {
        // No reader yet: a write-only sender cannot open (ENXIO)...
        let err = OpenOptions::new().open_sender(&fifo).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENXIO));
        // ... but a read-write one can.
        let rw = OpenOptions::new()
            .read_write(true)
            .open_sender(&fifo)
            .unwrap();
        drop(rw);
        let mut rx = OpenOptions::new().open_receiver(&fifo).unwrap();
        let mut tx = OpenOptions::new().open_sender(&fifo).unwrap();
        tx.write_all(b"through the fifo").await.unwrap();
        drop(tx);
        let mut got = String::new();
        rx.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "through the fifo");

        // A regular file is not a pipe; `unchecked` skips the check (and
        // opens the FIFO all the same).
        let file = dir.join("file");
        std::fs::write(&file, b"x").unwrap();
        let err = OpenOptions::new().open_receiver(&file).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        OpenOptions::new()
            .unchecked(true)
            .open_receiver(&fifo)
            .unwrap();
        let err = Receiver::from_file(std::fs::File::open(&file).unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn from_file_checks_the_access_mode() {
    let rt = Rt::new();
    let dir = temp_dir("mode");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    rt.block_on(async {
        let open = |read: bool, write: bool| {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .read(read)
                .write(write)
                .custom_flags(libc::O_NONBLOCK)
                .open(&fifo)
                .unwrap()
        };
        let read_only = open(true, false);
        let err = Sender::from_file(read_only.try_clone().unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let rx = Receiver::from_owned_fd(read_only.into()).unwrap();
        let write_only = open(false, true);
        let err = Receiver::from_file(write_only.try_clone().unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let tx = Sender::from_file(write_only).unwrap();
        // Read-write works for both ends.
        let rw = open(true, true);
        let _rx2 = Receiver::from_file(rw.try_clone().unwrap()).unwrap();
        let _tx2 = Sender::from_file(rw).unwrap();
        tx.writable().await.unwrap();
        assert_eq!(tx.try_write(b"ok").unwrap(), 2);
        rx.readable().await.unwrap();
        let mut buf = [0u8; 2];
        assert_eq!(rx.try_read(&mut buf).unwrap(), 2);
        assert_eq!(&buf, b"ok");
    });
    std::fs::remove_dir_all(&dir).unwrap();
}
