//! `AsyncBufReadExt` methods, `Lines`, `Split` and the `AsyncBufRead` impls.

mod support;

use futures::executor::block_on;
use rt_io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, BufReader};
use std::io::{Cursor, ErrorKind};
use std::pin::Pin;
use support::{data, poll_once, run_bounded, MockReader, Op};

#[test]
fn read_until_finds_the_delimiter_or_eof() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"ab"), Op::Pending, data(b"c-de"), data(b"f")]);
        let mut buf = b">".to_vec();
        assert_eq!(rd.read_until(b'-', &mut buf).await.unwrap(), 4);
        assert_eq!(buf, b">abc-");
        buf.clear();
        assert_eq!(rd.read_until(b'-', &mut buf).await.unwrap(), 3);
        assert_eq!(buf, b"def");
        buf.clear();
        assert_eq!(rd.read_until(b'-', &mut buf).await.unwrap(), 0);
        assert!(buf.is_empty());
    });
}

#[test]
fn read_until_error_keeps_bytes_read_so_far() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"abc"), Op::Err(ErrorKind::Other), data(b"d\n")]);
        let mut buf = Vec::new();
        let err = rd.read_until(b'\n', &mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(buf, b"abc");
        // Calling again continues where it stopped.
        assert_eq!(rd.read_until(b'\n', &mut buf).await.unwrap(), 2);
        assert_eq!(buf, b"abcd\n");
    });
}

#[test]
fn read_until_retries_interrupted() {
    block_on(async {
        let mut rd = MockReader::new(vec![
            data(b"a"),
            Op::Err(ErrorKind::Interrupted),
            data(b"b;"),
        ]);
        let mut buf = Vec::new();
        assert_eq!(rd.read_until(b';', &mut buf).await.unwrap(), 3);
        assert_eq!(buf, b"ab;");
    });
}

#[test]
fn read_until_cancelled_keeps_partial_bytes() {
    let mut rd = MockReader::new(vec![data(b"part"), Op::Pending, data(b"ial\n")]);
    let mut buf = Vec::new();
    {
        let mut fut = rd.read_until(b'\n', &mut buf);
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(buf, b"part");
    block_on(rd.read_until(b'\n', &mut buf)).unwrap();
    assert_eq!(buf, b"partial\n");
}

#[test]
fn read_line_appends_lines() {
    block_on(async {
        let mut rd = Cursor::new(b"hello\nworld\r\n\nlast");
        let mut s = String::from("> ");
        assert_eq!(rd.read_line(&mut s).await.unwrap(), 6);
        assert_eq!(s, "> hello\n");
        s.clear();
        assert_eq!(rd.read_line(&mut s).await.unwrap(), 7);
        assert_eq!(s, "world\r\n", "CRLF is kept by read_line");
        s.clear();
        assert_eq!(rd.read_line(&mut s).await.unwrap(), 1);
        assert_eq!(s, "\n");
        s.clear();
        assert_eq!(rd.read_line(&mut s).await.unwrap(), 4);
        assert_eq!(s, "last");
        assert_eq!(rd.read_line(&mut s).await.unwrap(), 0);
        assert_eq!(s, "last");
    });
}

#[test]
fn read_line_across_pending_reads() {
    let mut rd = BufReader::new(MockReader::new(vec![
        data(b"Hello Wor"),
        Op::Pending,
        data(b"ld\nFizzBuz"),
        Op::Pending,
        data(b"z\n1\n2"),
    ]));
    let mut line = String::from("We say ");
    let n = run_bounded(&mut rd.read_line(&mut line), 100).unwrap();
    assert_eq!(n, "Hello World\n".len());
    assert_eq!(line, "We say Hello World\n");
    line.clear();
    run_bounded(&mut rd.read_line(&mut line), 100).unwrap();
    assert_eq!(line, "FizzBuzz\n");
    line.clear();
    run_bounded(&mut rd.read_line(&mut line), 100).unwrap();
    assert_eq!(line, "1\n");
    line.clear();
    run_bounded(&mut rd.read_line(&mut line), 100).unwrap();
    assert_eq!(line, "2");
}

#[test]
fn read_line_invalid_utf8_leaves_buffer_unchanged() {
    block_on(async {
        let mut rd: &[u8] = b"bad \xff line\nnext\n";
        let mut s = String::from("keep");
        let err = rd.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(err.to_string(), "stream did not contain valid UTF-8");
        assert_eq!(s, "keep");
        // The bad line was consumed; the next one reads fine.
        assert_eq!(rd.read_line(&mut s).await.unwrap(), 5);
        assert_eq!(s, "keepnext\n");
    });
}

#[test]
fn read_line_io_error_keeps_valid_bytes() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"valid"), Op::Err(ErrorKind::Other)]);
        let mut s = String::from("> ");
        let err = rd.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(s, "> valid");

        // Invalid bytes before the error: nothing is appended.
        let mut rd = MockReader::new(vec![data(b"in\xc3"), Op::Err(ErrorKind::Other)]);
        let mut s = String::from("> ");
        let err = rd.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(s, "> ");
    });
}

#[test]
fn read_line_multibyte_split_across_fills() {
    block_on(async {
        let text = "naïve\n".as_bytes();
        let mut rd = MockReader::new(vec![data(&text[..3]), Op::Pending, data(&text[3..])]);
        let mut s = String::new();
        assert_eq!(rd.read_line(&mut s).await.unwrap(), text.len());
        assert_eq!(s, "naïve\n");
    });
}

#[test]
fn read_line_cancelled_is_not_cancel_safe_but_leaves_buf() {
    let mut rd = MockReader::new(vec![data(b"lost"), Op::Pending, data(b" rest\n")]);
    let mut s = String::from("orig");
    {
        let mut fut = rd.read_line(&mut s);
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(s, "orig");
    block_on(rd.read_line(&mut s)).unwrap();
    assert_eq!(
        s, "orig rest\n",
        "the bytes read before cancellation are lost"
    );
}

#[test]
fn lines_strip_terminators() {
    block_on(async {
        let mut lines = Cursor::new(b"lorem\nipsum\r\n\ndolor\r").lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("lorem"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ipsum"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some(""));
        assert_eq!(
            lines.next_line().await.unwrap().as_deref(),
            Some("dolor\r"),
            "a lone CR at EOF is kept"
        );
        assert_eq!(lines.next_line().await.unwrap(), None);
        assert_eq!(lines.next_line().await.unwrap(), None);
        let _ = lines.get_ref();
        let _ = lines.get_mut();
        let _ = lines.into_inner();
    });
}

#[test]
fn lines_next_line_is_cancel_safe() {
    let mut lines = MockReader::new(vec![data(b"fir"), Op::Pending, data(b"st\nsecond\n")]).lines();
    {
        let mut fut = Box::pin(lines.next_line());
        assert!(poll_once(&mut fut).is_pending());
    }
    let first = block_on(lines.next_line()).unwrap();
    assert_eq!(first.as_deref(), Some("first"), "no bytes lost on cancel");
    let second = block_on(lines.next_line()).unwrap();
    assert_eq!(second.as_deref(), Some("second"));
    assert_eq!(block_on(lines.next_line()).unwrap(), None);
}

#[test]
fn lines_invalid_utf8_and_io_errors() {
    block_on(async {
        let mut lines = (&b"ok\n\xff\xfe\nafter\n"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ok"));
        let err = lines.next_line().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("after"));

        let mut lines = MockReader::new(vec![
            data(b"par"),
            Op::Err(ErrorKind::Other),
            data(b"tial\n"),
        ])
        .lines();
        assert_eq!(
            lines.next_line().await.unwrap_err().kind(),
            ErrorKind::Other
        );
        assert_eq!(
            lines.next_line().await.unwrap().as_deref(),
            Some("partial"),
            "bytes before the error are kept"
        );
    });
}

#[test]
fn lines_poll_next_line_on_pinned_non_unpin_reader() {
    // `Lines` over a `!Unpin` reader can still be polled once pinned.
    struct NotUnpin {
        inner: &'static [u8],
        _pin: std::marker::PhantomPinned,
    }
    impl rt_io::AsyncRead for NotUnpin {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &mut rt_io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            // SAFETY: `inner` is not structurally pinned; nothing is moved.
            let inner = unsafe { &mut self.get_unchecked_mut().inner };
            Pin::new(inner).poll_read(cx, buf)
        }
    }
    impl AsyncBufRead for NotUnpin {
        fn poll_fill_buf(
            self: Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<&[u8]>> {
            // SAFETY: as above.
            let inner = unsafe { &mut self.get_unchecked_mut().inner };
            Pin::new(inner).poll_fill_buf(cx)
        }
        fn consume(self: Pin<&mut Self>, amt: usize) {
            // SAFETY: as above.
            let inner = unsafe { &mut self.get_unchecked_mut().inner };
            Pin::new(inner).consume(amt)
        }
    }
    let lines = Box::pin(
        NotUnpin {
            inner: b"a\nb",
            _pin: std::marker::PhantomPinned,
        }
        .lines(),
    );
    let mut lines = lines;
    let got = block_on(futures::future::poll_fn(|cx| {
        lines.as_mut().poll_next_line(cx)
    }))
    .unwrap();
    assert_eq!(got.as_deref(), Some("a"));
}

#[test]
fn split_yields_segments_without_delimiter() {
    block_on(async {
        let mut seg = AsyncBufReadExt::split(
            MockReader::new(vec![data(b"a,b"), Op::Pending, data(b"c,,d")]),
            b',',
        );
        assert_eq!(seg.next_segment().await.unwrap(), Some(b"a".to_vec()));
        assert_eq!(seg.next_segment().await.unwrap(), Some(b"bc".to_vec()));
        assert_eq!(seg.next_segment().await.unwrap(), Some(b"".to_vec()));
        assert_eq!(seg.next_segment().await.unwrap(), Some(b"d".to_vec()));
        assert_eq!(seg.next_segment().await.unwrap(), None);
    });
}

#[test]
fn split_next_segment_is_cancel_safe_and_reports_errors() {
    let mut seg = AsyncBufReadExt::split(
        MockReader::new(vec![
            data(b"x"),
            Op::Pending,
            data(b"y|"),
            Op::Err(ErrorKind::Other),
        ]),
        b'|',
    );
    {
        let mut fut = Box::pin(seg.next_segment());
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(block_on(seg.next_segment()).unwrap(), Some(b"xy".to_vec()));
    assert_eq!(
        block_on(seg.next_segment()).unwrap_err().kind(),
        ErrorKind::Other
    );
    assert_eq!(block_on(seg.next_segment()).unwrap(), None);
}

#[test]
fn fill_buf_and_consume() {
    block_on(async {
        let mut rd = MockReader::new(vec![Op::Pending, data(b"abc"), data(b"de")]);
        assert_eq!(rd.fill_buf().await.unwrap(), b"abc");
        // Not consumed: the same bytes again.
        assert_eq!(rd.fill_buf().await.unwrap(), b"abc");
        rd.consume(2);
        assert_eq!(rd.fill_buf().await.unwrap(), b"c");
        rd.consume(1);
        assert_eq!(rd.fill_buf().await.unwrap(), b"de");
        rd.consume(2);
        assert_eq!(rd.fill_buf().await.unwrap(), b"", "EOF");
    });
}

#[test]
fn fill_buf_error() {
    block_on(async {
        let mut rd = MockReader::new(vec![Op::Err(ErrorKind::NotConnected)]);
        assert_eq!(
            rd.fill_buf().await.unwrap_err().kind(),
            ErrorKind::NotConnected
        );
    });
}

#[test]
fn slice_and_cursor_buf_read() {
    block_on(async {
        let mut s: &[u8] = b"xyz";
        assert_eq!(s.fill_buf().await.unwrap(), b"xyz");
        AsyncBufReadExt::consume(&mut s, 1);
        assert_eq!(s, b"yz");

        let mut c = Cursor::new(b"xyz".to_vec());
        AsyncBufReadExt::consume(&mut c, 2);
        assert_eq!(c.fill_buf().await.unwrap(), b"z");
    });
}

#[test]
fn take_as_buf_read() {
    block_on(async {
        let mut t = (&b"line one\nline two\n"[..]).take(6);
        let mut s = String::new();
        assert_eq!(t.read_line(&mut s).await.unwrap(), 6);
        assert_eq!(s, "line o");
        assert_eq!(t.fill_buf().await.unwrap(), b"");
        // An overlarge consume can't push the limit below zero.
        t.set_limit(2);
        AsyncBufReadExt::consume(&mut t, 100);
        assert_eq!(t.limit(), 0);
    });
}

#[test]
fn chain_as_buf_read() {
    block_on(async {
        let mut c = (&b"ab\nc"[..]).chain(&b"d\nef"[..]);
        let mut lines = Vec::new();
        let mut s = String::new();
        for _ in 0..4 {
            s.clear();
            if c.read_line(&mut s).await.unwrap() == 0 {
                break;
            }
            lines.push(s.clone());
        }
        assert_eq!(lines, ["ab\n", "cd\n", "ef"]);
        let mut rest = Vec::new();
        c.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty());
    });
}

#[test]
fn pointer_impls_buf_read() {
    block_on(async {
        let mut boxed: Box<dyn AsyncBufRead + Unpin> = Box::new(&b"one\ntwo"[..]);
        let mut s = String::new();
        boxed.read_line(&mut s).await.unwrap();
        assert_eq!(s, "one\n");

        let mut pinned: Pin<Box<dyn AsyncBufRead>> = Box::pin(&b"p\nq"[..]);
        let mut s = String::new();
        pinned.read_line(&mut s).await.unwrap();
        assert_eq!(s, "p\n");

        let mut inner: &[u8] = b"r\n";
        let mut s = String::new();
        (&mut inner).read_line(&mut s).await.unwrap();
        assert_eq!(s, "r\n");
        assert!(inner.is_empty());
    });
}
