//! `AsyncWriteExt` methods and the `AsyncWrite` impls.

mod support;

use futures::executor::block_on;
use rt_io::{AsyncWrite, AsyncWriteExt, Buf};
use std::collections::VecDeque;
use std::io::{Cursor, ErrorKind, IoSlice};
use std::pin::Pin;
use support::{poll_once, run_bounded, MockWriter, WOp};

#[test]
fn write_is_one_attempt() {
    block_on(async {
        let mut w = MockWriter::with_max_write(3);
        assert_eq!(w.write(b"hello").await.unwrap(), 3);
        assert_eq!(w.data, b"hel");
        assert_eq!(w.write(b"").await.unwrap(), 0);
    });
}

#[test]
fn write_propagates_pending_and_errors() {
    let mut w = MockWriter::new();
    w.script = [WOp::Pending, WOp::Err(ErrorKind::BrokenPipe)].into();
    let mut fut = w.write(b"x");
    assert!(poll_once(&mut fut).is_pending());
    match poll_once(&mut fut) {
        std::task::Poll::Ready(Err(e)) => assert_eq!(e.kind(), ErrorKind::BrokenPipe),
        other => panic!("unexpected {other:?}"),
    }
    assert!(w.data.is_empty());
}

#[test]
fn write_vectored_default_writes_first_non_empty_slice() {
    block_on(async {
        let mut w = MockWriter::new();
        let bufs = [IoSlice::new(b""), IoSlice::new(b"ab"), IoSlice::new(b"cd")];
        assert!(!w.is_write_vectored());
        assert_eq!(w.write_vectored(&bufs).await.unwrap(), 2);
        assert_eq!(w.data, b"ab");
        let empty = [IoSlice::new(b""), IoSlice::new(b"")];
        assert_eq!(w.write_vectored(&empty).await.unwrap(), 0);
    });
}

#[test]
fn write_vectored_on_vec_takes_everything() {
    block_on(async {
        let mut v = Vec::new();
        assert!(AsyncWrite::is_write_vectored(&v));
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")];
        assert_eq!(v.write_vectored(&bufs).await.unwrap(), 4);
        assert_eq!(v, b"abcd");
    });
}

#[test]
fn write_all_loops_over_short_writes() {
    let mut w = MockWriter::with_max_write(2);
    w.script = [WOp::Pending].into();
    let mut fut = w.write_all(b"hello world");
    run_bounded(&mut fut, 100).unwrap();
    assert_eq!(w.data, b"hello world");
    assert_eq!(w.writes, vec![2, 2, 2, 2, 2, 1]);
}

#[test]
fn write_all_zero_write_is_write_zero() {
    block_on(async {
        let mut w = MockWriter::with_max_write(3);
        w.script = [WOp::Zero].into();
        let err = w.write_all(b"abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);

        // A full fixed-size cursor accepts zero bytes.
        let mut storage = [0u8; 4];
        let mut c = Cursor::new(&mut storage[..]);
        let err = c.write_all(b"too long").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(&storage, b"too ");
    });
}

#[test]
fn write_all_propagates_errors() {
    block_on(async {
        let mut w = MockWriter::with_max_write(1);
        w.script = [WOp::Err(ErrorKind::ConnectionAborted)].into();
        let err = w.write_all(b"abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionAborted);
    });
}

#[test]
fn write_buf_advances_the_buffer() {
    block_on(async {
        let mut w = MockWriter::with_max_write(3);
        let mut src = Cursor::new(b"abcdef".to_vec());
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 3);
        assert_eq!(src.position(), 3);
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 3);
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 0, "nothing left");
        assert_eq!(w.data, b"abcdef");
        assert!(
            w.writes.len() == 2,
            "an empty buffer does not call the writer"
        );

        let mut slice: &[u8] = b"xyz";
        assert_eq!(w.write_buf(&mut slice).await.unwrap(), 3);
        assert!(slice.is_empty());
    });
}

#[test]
fn write_buf_uses_vectored_writes_when_preferred() {
    block_on(async {
        // A VecDeque that wraps around has two chunks.
        let mut dq: VecDeque<u8> = VecDeque::with_capacity(8);
        dq.extend(b"....ab");
        dq.drain(..4);
        dq.extend(b"cdefgh");
        let (front, back) = dq.as_slices();
        assert!(
            !front.is_empty() && !back.is_empty(),
            "test needs a wrapped deque"
        );

        let mut w = MockWriter::new();
        w.vectored = true;
        assert_eq!(w.write_buf(&mut dq).await.unwrap(), 8);
        assert_eq!(w.data, b"abcdefgh");
        assert!(!dq.has_remaining());

        let mut dq: VecDeque<u8> = VecDeque::with_capacity(8);
        dq.extend(b"....ab");
        dq.drain(..4);
        dq.extend(b"cdefgh");
        let mut plain = MockWriter::new();
        let first = plain.write_buf(&mut dq).await.unwrap();
        assert!(first < 8, "without vectored writes only one chunk goes");
        plain.write_all_buf(&mut dq).await.unwrap();
        assert_eq!(plain.data, b"abcdefgh");
    });
}

#[test]
fn write_all_buf_writes_everything_and_advances() {
    block_on(async {
        let mut w = MockWriter::with_max_write(2);
        let mut src = Cursor::new(b"abcde");
        w.write_all_buf(&mut src).await.unwrap();
        assert_eq!(w.data, b"abcde");
        assert_eq!(src.remaining(), 0);
    });
}

#[test]
fn write_all_buf_error_keeps_the_buffer_advanced() {
    block_on(async {
        let mut w = MockWriter::with_max_write(2);
        w.script = [WOp::Accept, WOp::Err(ErrorKind::Other)].into();
        let mut src: &[u8] = b"abcdef";
        let err = w.write_all_buf(&mut src).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(w.data, b"ab");
        assert_eq!(src, b"cdef", "advanced by exactly what was written");

        let mut w = MockWriter::with_max_write(4);
        w.script = [WOp::Zero].into();
        let mut src: &[u8] = b"abcdef";
        let err = w.write_all_buf(&mut src).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(src, b"abcdef");
    });
}

#[test]
fn write_all_buf_cancelled_midway_keeps_progress() {
    let mut w = MockWriter::with_max_write(2);
    w.script = [WOp::Accept, WOp::Pending].into();
    let mut src: &[u8] = b"abcdef";
    {
        let mut fut = w.write_all_buf(&mut src);
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(w.data, b"ab");
    assert_eq!(src, b"cdef", "advanced by exactly what was written");
}

#[test]
fn write_numbers_handle_short_writes_and_errors() {
    block_on(async {
        let mut w = MockWriter::with_max_write(1);
        w.write_u32(0xdead_beef).await.unwrap();
        assert_eq!(w.data, [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(w.writes, vec![1, 1, 1, 1]);

        let mut w = MockWriter::new();
        w.script = [WOp::Zero].into();
        assert_eq!(
            w.write_u16_le(1).await.unwrap_err().kind(),
            ErrorKind::WriteZero
        );
        w.script = [WOp::Err(ErrorKind::Other)].into();
        assert_eq!(w.write_f64(1.0).await.unwrap_err().kind(), ErrorKind::Other);
    });
}

#[test]
fn flush_and_shutdown_reach_the_writer() {
    block_on(async {
        let mut w = MockWriter::new();
        w.flush_pending = 2;
        w.flush().await.unwrap();
        assert_eq!(w.flushes, 1);
        w.shutdown().await.unwrap();
        assert_eq!(w.shutdowns, 1);
    });
}

#[test]
fn cursor_writers() {
    block_on(async {
        let mut c = Cursor::new(Vec::new());
        c.write_all(b"hello").await.unwrap();
        c.set_position(1);
        c.write_all(b"EL").await.unwrap();
        assert_eq!(c.get_ref(), b"hELlo");

        let mut v = Vec::new();
        let mut c = Cursor::new(&mut v);
        c.write_all(b"ref").await.unwrap();
        c.flush().await.unwrap();
        c.shutdown().await.unwrap();
        assert_eq!(v, b"ref");

        let mut c = Cursor::new(vec![0u8; 3].into_boxed_slice());
        assert_eq!(c.write(b"abcd").await.unwrap(), 3);
        assert_eq!(&c.get_ref()[..], b"abc");

        let mut c = Cursor::new(Vec::new());
        let bufs = [IoSlice::new(b"a"), IoSlice::new(b"b")];
        assert!(AsyncWrite::is_write_vectored(&c));
        assert_eq!(c.write_vectored(&bufs).await.unwrap(), 2);
    });
}

#[test]
fn pointer_impls_write() {
    block_on(async {
        let mut boxed: Box<dyn AsyncWrite + Unpin> = Box::new(Vec::new());
        boxed.write_all(b"box").await.unwrap();
        boxed.flush().await.unwrap();
        boxed.shutdown().await.unwrap();
        assert!(boxed.is_write_vectored());

        let mut pinned: Pin<Box<MockWriter>> = Box::pin(MockWriter::new());
        pinned.write_all(b"pin").await.unwrap();
        pinned.shutdown().await.unwrap();
        assert_eq!(pinned.data, b"pin");
        assert_eq!(pinned.shutdowns, 1);

        let mut v = Vec::new();
        {
            let mut by_ref = &mut v;
            (&mut by_ref).write_all(b"ref").await.unwrap();
            let bufs = [IoSlice::new(b"!")];
            by_ref.write_vectored(&bufs).await.unwrap();
        }
        assert_eq!(v, b"ref!");
    });
}
