//! `BufReader`, `BufWriter` and `BufStream`.

mod support;

use futures::executor::block_on;
use rt_io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufStream, BufWriter,
};
use std::io::{ErrorKind, IoSlice};
use std::pin::Pin;
use support::{data, poll_once, run_bounded, MockReader, MockWriter, Op, WOp};

#[test]
fn buf_reader_batches_small_reads() {
    block_on(async {
        let mut rd = BufReader::with_capacity(8, MockReader::new(vec![data(b"0123456789abcdef")]));
        let mut one = [0u8; 1];
        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(rd.get_ref().polls, 1);
        assert_eq!(rd.buffer(), b"1234567", "one inner read filled the buffer");
        for _ in 0..7 {
            rd.read_exact(&mut one).await.unwrap();
        }
        assert_eq!(rd.get_ref().polls, 1, "served from the buffer");
        assert!(rd.buffer().is_empty());
        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(one, [b'8']);
        assert_eq!(rd.get_ref().polls, 2);
    });
}

#[test]
fn buf_reader_large_read_bypasses_empty_buffer() {
    block_on(async {
        let mut rd = BufReader::with_capacity(4, MockReader::new(vec![data(b"0123456789")]));
        let mut big = [0u8; 6];
        assert_eq!(rd.read(&mut big).await.unwrap(), 6);
        assert_eq!(&big, b"012345");
        assert!(rd.buffer().is_empty(), "nothing was buffered");

        // With buffered bytes, the buffer is drained first.
        let mut one = [0u8; 1];
        rd.read(&mut one).await.unwrap();
        assert_eq!(rd.buffer(), b"789");
        assert_eq!(rd.read(&mut big).await.unwrap(), 3);
        assert_eq!(&big[..3], b"789");
    });
}

#[test]
fn buf_reader_propagates_errors_and_pending() {
    let mut rd = BufReader::with_capacity(
        4,
        MockReader::new(vec![Op::Pending, Op::Err(ErrorKind::Other), data(b"ok")]),
    );
    let mut buf = [0u8; 2];
    let mut fut = rd.read(&mut buf);
    assert!(poll_once(&mut fut).is_pending());
    match poll_once(&mut fut) {
        std::task::Poll::Ready(Err(e)) => assert_eq!(e.kind(), ErrorKind::Other),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(block_on(rd.read(&mut buf)).unwrap(), 2);
    assert_eq!(&buf, b"ok");
}

#[test]
fn buf_reader_accessors_and_debug() {
    let mut rd = BufReader::new(&b"abc"[..]);
    assert_eq!(rd.get_ref(), b"abc");
    let _ = rd.get_mut();
    block_on(rd.fill_buf()).unwrap();
    assert_eq!(rd.buffer(), b"abc");
    assert_eq!(
        format!("{rd:?}"),
        "BufReader { reader: [], buffer: 3/8192 }"
    );
    let inner: &[u8] = rd.into_inner();
    assert!(inner.is_empty(), "buffered bytes are lost by into_inner");

    let mut pinned = Box::pin(BufReader::new(&b"x"[..]));
    let inner = pinned.as_mut().get_pin_mut();
    assert_eq!(*inner, b"x");
}

#[test]
fn buf_reader_zero_capacity_reads_directly() {
    block_on(async {
        let mut rd = BufReader::with_capacity(0, &b"abc"[..]);
        let mut s = String::new();
        rd.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "abc");
    });
}

#[test]
fn buf_reader_passes_writes_through() {
    block_on(async {
        let mut rw = BufReader::new(rt_io::join(&b""[..], MockWriter::new()));
        rw.write_all(b"through").await.unwrap();
        rw.flush().await.unwrap();
        rw.shutdown().await.unwrap();
        let w = rw.get_ref().writer();
        assert_eq!(w.data, b"through");
        assert_eq!((w.flushes, w.shutdowns), (1, 1));
        let bufs = [IoSlice::new(b"v")];
        assert_eq!(rw.write_vectored(&bufs).await.unwrap(), 1);
        assert!(!rw.is_write_vectored());
    });
}

#[test]
fn buf_writer_buffers_until_flush() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, MockWriter::new());
        w.write_all(b"abc").await.unwrap();
        w.write_all(b"def").await.unwrap();
        assert!(w.get_ref().data.is_empty());
        assert_eq!(w.buffer(), b"abcdef");
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().data, b"abcdef");
        assert_eq!(w.get_ref().writes, vec![6], "one inner write");
        assert_eq!(w.get_ref().flushes, 1);
        assert!(w.buffer().is_empty());
    });
}

#[test]
fn buf_writer_flushes_when_a_write_does_not_fit() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, MockWriter::new());
        w.write_all(b"12345").await.unwrap();
        assert_eq!(w.write(b"6789").await.unwrap(), 4);
        // The old bytes went out; the new ones are buffered.
        assert_eq!(w.get_ref().data, b"12345");
        assert_eq!(w.buffer(), b"6789");
    });
}

#[test]
fn buf_writer_large_write_goes_straight_through() {
    block_on(async {
        let mut w = BufWriter::with_capacity(4, MockWriter::new());
        w.write_all(b"ab").await.unwrap();
        assert_eq!(w.write(b"0123456789").await.unwrap(), 10);
        assert_eq!(
            w.get_ref().writes,
            vec![2, 10],
            "flush, then a direct write"
        );
        assert_eq!(w.get_ref().data, b"ab0123456789");
        // Exactly the capacity also bypasses the buffer.
        assert_eq!(w.write(b"wxyz").await.unwrap(), 4);
        assert!(w.buffer().is_empty());
    });
}

#[test]
fn buf_writer_flush_survives_short_and_pending_writes() {
    let mut inner = MockWriter::with_max_write(2);
    inner.script = [WOp::Accept, WOp::Pending].into();
    let mut w = BufWriter::with_capacity(16, inner);
    block_on(w.write_all(b"abcdefg")).unwrap();
    let mut fut = w.flush();
    assert!(poll_once(&mut fut).is_pending());
    run_bounded(&mut fut, 100).unwrap();
    assert_eq!(w.get_ref().data, b"abcdefg");
    assert_eq!(w.get_ref().writes, vec![2, 2, 2, 1]);
}

#[test]
fn buf_writer_flush_errors() {
    block_on(async {
        let mut inner = MockWriter::with_max_write(2);
        inner.script = [WOp::Accept, WOp::Zero].into();
        let mut w = BufWriter::with_capacity(16, inner);
        w.write_all(b"abcdef").await.unwrap();
        let err = w.flush().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(w.buffer(), b"cdef", "written bytes leave the buffer");
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().data, b"abcdef");

        let mut inner = MockWriter::new();
        inner.script = [WOp::Err(ErrorKind::BrokenPipe)].into();
        let mut w = BufWriter::with_capacity(4, inner);
        w.write_all(b"abc").await.unwrap();
        let err = w.write_all(b"de").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(w.buffer(), b"abc");
    });
}

#[test]
fn buf_writer_shutdown_flushes_first() {
    block_on(async {
        let mut w = BufWriter::new(MockWriter::new());
        w.write_all(b"bye").await.unwrap();
        w.shutdown().await.unwrap();
        assert_eq!(w.get_ref().data, b"bye");
        assert_eq!(w.get_ref().shutdowns, 1);
        let inner = w.into_inner();
        assert_eq!(inner.data, b"bye");
    });
}

#[test]
fn buf_writer_into_inner_drops_buffered_data() {
    block_on(async {
        let mut w = BufWriter::new(Vec::new());
        w.write_all(b"lost").await.unwrap();
        assert!(w.into_inner().is_empty());
    });
}

#[test]
fn buf_writer_vectored_with_plain_inner_buffers_whole_slices() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, MockWriter::new());
        assert!(w.is_write_vectored());
        let bufs = [
            IoSlice::new(b""),
            IoSlice::new(b"abc"),
            IoSlice::new(b"defg"),
            IoSlice::new(b"hij"),
        ];
        // "abc" and "defg" fit (7 of 8), "hij" does not.
        assert_eq!(w.write_vectored(&bufs).await.unwrap(), 7);
        assert_eq!(w.buffer(), b"abcdefg");
        assert!(w.get_ref().data.is_empty());
        let empties = [IoSlice::new(b""), IoSlice::new(b"")];
        assert_eq!(w.write_vectored(&empties).await.unwrap(), 0);
        // A first slice that does not fit flushes; one as large as the
        // buffer is written directly.
        let big = [IoSlice::new(b"0123456789"), IoSlice::new(b"z")];
        assert_eq!(w.write_vectored(&big).await.unwrap(), 10);
        assert_eq!(w.get_ref().data, b"abcdefg0123456789");
    });
}

#[test]
fn buf_writer_vectored_with_vectored_inner() {
    block_on(async {
        let mut inner = MockWriter::new();
        inner.vectored = true;
        let mut w = BufWriter::with_capacity(8, inner);
        let small = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
        assert_eq!(w.write_vectored(&small).await.unwrap(), 4);
        assert_eq!(w.buffer(), b"abcd");
        let big = [IoSlice::new(b"0123"), IoSlice::new(b"45678")];
        assert_eq!(w.write_vectored(&big).await.unwrap(), 9);
        assert_eq!(w.get_ref().data, b"abcd012345678");
        assert_eq!(w.get_ref().writes, vec![4, 9]);
    });
}

#[test]
fn buf_writer_passes_reads_through() {
    block_on(async {
        let mut rw = BufWriter::new(rt_io::join(&b"line\nrest"[..], Vec::new()));
        let mut s = String::new();
        rw.read_line(&mut s).await.unwrap();
        assert_eq!(s, "line\n");
        let mut rest = String::new();
        rw.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "rest");
    });
}

#[test]
fn buf_writer_debug() {
    let w = BufWriter::with_capacity(16, Vec::<u8>::new());
    assert_eq!(
        format!("{w:?}"),
        "BufWriter { writer: [], buffer: 0/16, written: 0 }"
    );
}

#[test]
fn buf_writer_get_pin_mut() {
    let mut w = Box::pin(BufWriter::new(Vec::<u8>::new()));
    let inner: Pin<&mut Vec<u8>> = w.as_mut().get_pin_mut();
    assert!(inner.is_empty());
}

#[test]
fn buf_stream_buffers_both_directions() {
    block_on(async {
        let (client, mut server) = rt_io::duplex(1024);
        let mut s = BufStream::with_capacity(16, 16, client);
        s.write_all(b"request\n").await.unwrap();
        // Not flushed yet: the server sees nothing.
        let mut probe = [0u8; 1];
        let mut read = server.read(&mut probe);
        assert!(poll_once(&mut read).is_pending());
        s.flush().await.unwrap();
        let mut line = String::new();
        BufReader::new(&mut server)
            .read_line(&mut line)
            .await
            .unwrap();
        assert_eq!(line, "request\n");

        server.write_all(b"response\nmore").await.unwrap();
        let mut line = String::new();
        s.read_line(&mut line).await.unwrap();
        assert_eq!(line, "response\n");
        let _ = s.get_ref();
        let _ = s.get_mut();
        let _inner = s.into_inner();
    });
}

#[test]
fn buf_stream_from_conversions_keep_buffers() {
    block_on(async {
        // BufWriter<BufReader<RW>> with data in both buffers.
        let rw = rt_io::join(&b"in1\nin2\n"[..], Vec::new());
        let mut layered = BufWriter::new(BufReader::new(rw));
        let mut line = String::new();
        layered.read_line(&mut line).await.unwrap();
        assert_eq!(line, "in1\n");
        layered.write_all(b"out").await.unwrap();

        let mut s = BufStream::from(layered);
        let mut line = String::new();
        s.read_line(&mut line).await.unwrap();
        assert_eq!(line, "in2\n", "the read buffer was kept");
        s.flush().await.unwrap();
        assert_eq!(s.get_ref().writer(), b"out", "the write buffer was kept");

        let s2 = BufStream::from(BufReader::new(BufWriter::new(rt_io::join(
            &b""[..],
            Vec::new(),
        ))));
        let _ = s2.into_inner();
    });
}

#[test]
fn buf_stream_get_pin_mut() {
    let mut s = Box::pin(BufStream::new(rt_io::join(&b""[..], Vec::<u8>::new())));
    let inner = s.as_mut().get_pin_mut();
    assert!(inner.writer().is_empty());
}
