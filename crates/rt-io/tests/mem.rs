//! `duplex` / `DuplexStream` and `simplex` / `SimplexStream`.

mod support;

use futures::executor::block_on;
use rt_io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, SimplexStream};
use std::io::{ErrorKind, IoSlice};
use std::task::Poll;
use support::{count_waker, poll_with};

#[test]
fn duplex_round_trip() {
    block_on(async {
        let (mut a, mut b) = rt_io::duplex(64);
        a.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        b.write_all(b"pong").await.unwrap();
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
    });
}

#[test]
fn duplex_backpressure_and_wakeups() {
    let (mut a, mut b) = rt_io::duplex(4);
    // Only max_buf_size bytes are accepted.
    assert_eq!(block_on(a.write(b"abcdef")).unwrap(), 4);

    // The buffer is full: the writer parks.
    let (writer_wakes, writer_waker) = count_waker();
    let mut write = a.write(b"ef");
    assert!(poll_with(&mut write, &writer_waker).is_pending());
    assert_eq!(writer_wakes.count(), 0);

    // Reading frees space and wakes the writer.
    let mut two = [0u8; 2];
    assert_eq!(block_on(b.read(&mut two)).unwrap(), 2);
    assert_eq!(&two, b"ab");
    assert_eq!(writer_wakes.count(), 1);
    match poll_with(&mut write, &writer_waker) {
        Poll::Ready(Ok(n)) => assert_eq!(n, 2),
        other => panic!("unexpected {other:?}"),
    }
    drop(write);

    let mut all = [0u8; 8];
    assert_eq!(block_on(b.read(&mut all)).unwrap(), 4);
    assert_eq!(&all[..4], b"cdef");

    // An empty pipe parks the reader; a write wakes it.
    let (reader_wakes, reader_waker) = count_waker();
    let mut read = b.read(&mut all);
    assert!(poll_with(&mut read, &reader_waker).is_pending());
    block_on(a.write_all(b"z")).unwrap();
    assert_eq!(reader_wakes.count(), 1);
    match poll_with(&mut read, &reader_waker) {
        Poll::Ready(Ok(n)) => assert_eq!(n, 1),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn duplex_drop_drains_then_eof_and_breaks_writes() {
    block_on(async {
        let (mut a, mut b) = rt_io::duplex(64);
        a.write_all(b"last words").await.unwrap();
        drop(a);
        let mut got = String::new();
        b.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "last words");
        let err = b.write(b"anyone?").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    });
}

#[test]
fn duplex_drop_wakes_pending_reader_and_writer() {
    let (a, mut b) = rt_io::duplex(2);
    let (read_wakes, read_waker) = count_waker();
    let mut buf = [0u8; 4];
    {
        let mut read = b.read(&mut buf);
        assert!(poll_with(&mut read, &read_waker).is_pending());
    }
    block_on(b.write_all(b"xx")).unwrap();
    let (write_wakes, write_waker) = count_waker();
    {
        let mut write = b.write(b"y");
        assert!(poll_with(&mut write, &write_waker).is_pending());
    }
    drop(a);
    assert_eq!(read_wakes.count(), 1, "the parked reader sees EOF");
    assert_eq!(write_wakes.count(), 1, "the parked writer sees BrokenPipe");
    assert_eq!(block_on(b.read(&mut buf)).unwrap(), 0);
    assert_eq!(
        block_on(b.write(b"y")).unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );
}

#[test]
fn duplex_shutdown_closes_one_direction() {
    block_on(async {
        let (mut a, mut b) = rt_io::duplex(64);
        a.write_all(b"req").await.unwrap();
        a.shutdown().await.unwrap();
        assert_eq!(
            a.write(b"more").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"req");
        // The other direction still works.
        b.write_all(b"resp").await.unwrap();
        let mut buf = [0u8; 4];
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"resp");
        a.flush().await.unwrap();
    });
}

#[test]
fn duplex_vectored_writes_respect_capacity() {
    block_on(async {
        let (mut a, mut b) = rt_io::duplex(5);
        assert!(a.is_write_vectored());
        let bufs = [
            IoSlice::new(b"abc"),
            IoSlice::new(b""),
            IoSlice::new(b"defg"),
        ];
        assert_eq!(a.write_vectored(&bufs).await.unwrap(), 5);
        let mut got = [0u8; 5];
        b.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"abcde");
        let empties = [IoSlice::new(b"")];
        assert_eq!(a.write_vectored(&empties).await.unwrap(), 0);
        assert_eq!(a.write(b"").await.unwrap(), 0);
    });
}

#[test]
fn duplex_across_threads_moves_lots_of_data() {
    let (mut a, mut b) = rt_io::duplex(1024);
    const TOTAL: usize = 1 << 20;
    let writer = std::thread::spawn(move || {
        block_on(async {
            let chunk: Vec<u8> = (0..4096u32).map(|i| (i % 253) as u8).collect();
            let mut sent = 0;
            while sent < TOTAL {
                a.write_all(&chunk).await.unwrap();
                sent += chunk.len();
            }
            a.shutdown().await.unwrap();
        })
    });
    let received = block_on(async {
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        got
    });
    writer.join().unwrap();
    assert_eq!(received.len(), TOTAL);
    assert!(received
        .chunks(4096)
        .all(|c| c.iter().enumerate().all(|(i, &x)| x == (i % 253) as u8)));
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than zero")]
fn duplex_zero_capacity_panics() {
    let _ = rt_io::duplex(0);
}

#[test]
fn simplex_halves() {
    block_on(async {
        let (mut rx, mut tx) = rt_io::simplex(3);
        assert!(rx.is_pair_of(&tx));
        assert_eq!(tx.write(b"hello").await.unwrap(), 3);
        let mut buf = [0u8; 8];
        assert_eq!(rx.read(&mut buf).await.unwrap(), 3);
        assert_eq!(&buf[..3], b"hel");
        tx.write_all(b"lo").await.unwrap();
        tx.shutdown().await.unwrap();
        let mut rest = Vec::new();
        rx.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"lo");
        assert_eq!(
            tx.write(b"x").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    });
}

#[test]
fn simplex_unsplit_and_new_unsplit() {
    block_on(async {
        let (rx, tx) = rt_io::simplex(64);
        let mut s = rx.unsplit(tx);
        s.write_all(b"hello").await.unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hello");

        let mut s = SimplexStream::new_unsplit(2);
        assert!(s.is_write_vectored());
        let bufs = [IoSlice::new(b"a"), IoSlice::new(b"bc")];
        assert_eq!(s.write_vectored(&bufs).await.unwrap(), 2);
        s.flush().await.unwrap();
        s.shutdown().await.unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"ab");
    });
}

#[test]
fn simplex_full_writer_parks_until_read() {
    let (mut rx, mut tx) = rt_io::simplex(1);
    block_on(tx.write_all(b"a")).unwrap();
    let (wakes, waker) = count_waker();
    let mut write = tx.write(b"b");
    assert!(poll_with(&mut write, &waker).is_pending());
    let mut one = [0u8; 1];
    block_on(rx.read_exact(&mut one)).unwrap();
    assert_eq!(wakes.count(), 1);
    assert!(matches!(poll_with(&mut write, &waker), Poll::Ready(Ok(1))));
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than zero")]
fn simplex_zero_capacity_panics() {
    let _ = rt_io::simplex(0);
}

#[test]
fn mem_streams_are_send_sync() {
    fn assert_send_sync<T: Send + Sync + AsyncRead + AsyncWrite>() {}
    assert_send_sync::<rt_io::DuplexStream>();
    assert_send_sync::<SimplexStream>();
}
