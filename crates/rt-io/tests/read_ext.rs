//! `AsyncReadExt` methods, `Take`, `Chain` and the `AsyncRead` impls.

mod support;

use futures::executor::block_on;
use rt_io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};
use std::io::{self, Cursor, ErrorKind};
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::Poll;
use support::{data, poll_once, run_bounded, MockReader, Op};

#[test]
fn read_reads_what_is_available() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"hello"), data(b" world")]);
        let mut buf = [0u8; 3];
        assert_eq!(rd.read(&mut buf).await.unwrap(), 3);
        assert_eq!(&buf, b"hel");
        let mut buf = [0u8; 10];
        assert_eq!(rd.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"lo");
        assert_eq!(rd.read(&mut buf).await.unwrap(), 6);
        assert_eq!(rd.read(&mut buf).await.unwrap(), 0, "EOF");
        assert_eq!(rd.read(&mut []).await.unwrap(), 0, "empty buffer");
    });
}

#[test]
fn read_propagates_errors_and_pending() {
    let mut rd = MockReader::new(vec![Op::Pending, Op::Err(ErrorKind::ConnectionReset)]);
    let mut buf = [0u8; 4];
    let mut fut = rd.read(&mut buf);
    assert!(poll_once(&mut fut).is_pending());
    match poll_once(&mut fut) {
        Poll::Ready(Err(e)) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn read_buf_into_vec_appends_and_grows() {
    block_on(async {
        let mut rd: &[u8] = b"abcdef";
        let mut v = b"xy".to_vec();
        let n = rd.read_buf(&mut v).await.unwrap();
        assert_eq!(n, 6);
        assert_eq!(v, b"xyabcdef");
        assert_eq!(rd.read_buf(&mut v).await.unwrap(), 0);
    });
}

#[test]
fn read_buf_into_slices_and_read_buf() {
    block_on(async {
        let mut rd: &[u8] = b"0123456789";
        let mut storage = [0u8; 4];
        let mut slice: &mut [u8] = &mut storage;
        assert_eq!(rd.read_buf(&mut slice).await.unwrap(), 4);
        assert!(slice.is_empty());
        // A full buffer reads nothing, without touching the reader.
        assert_eq!(rd.read_buf(&mut slice).await.unwrap(), 0);
        assert_eq!(&storage, b"0123");
        assert_eq!(rd, b"456789");

        let mut uninit = [MaybeUninit::<u8>::uninit(); 3];
        let mut uslice: &mut [MaybeUninit<u8>] = &mut uninit;
        assert_eq!(rd.read_buf(&mut uslice).await.unwrap(), 3);
        assert_eq!(uslice.len(), 0);

        let mut storage = [0u8; 8];
        let mut read_buf = ReadBuf::new(&mut storage);
        read_buf.put_slice(b">");
        assert_eq!(rd.read_buf(&mut read_buf).await.unwrap(), 3);
        assert_eq!(read_buf.filled(), b">789");
    });
}

/// A reader that (wrongly) swaps the `ReadBuf` it is given.
struct Swapper;

impl AsyncRead for Swapper {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // An empty `'static` buffer: a different pointer, and no leak.
        let elsewhere: &'static mut [u8] = &mut [];
        *buf = ReadBuf::new(elsewhere);
        Poll::Ready(Ok(()))
    }
}

#[test]
#[should_panic(expected = "replaced the ReadBuf")]
fn read_buf_detects_a_swapped_buffer() {
    let mut v = Vec::new();
    let _ = block_on(Swapper.read_buf(&mut v));
}

#[test]
#[should_panic(expected = "replaced the ReadBuf")]
fn read_to_end_detects_a_swapped_buffer() {
    let mut v = Vec::with_capacity(128);
    let _ = block_on(Swapper.read_to_end(&mut v));
}

#[test]
fn read_exact_fills_across_short_reads() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"ab"), Op::Pending, data(b"c"), data(b"defg")]);
        let mut buf = [0u8; 5];
        assert_eq!(rd.read_exact(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf, b"abcde");
        let mut rest = [0u8; 2];
        rd.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"fg");
        assert_eq!(rd.read_exact(&mut []).await.unwrap(), 0);
    });
}

#[test]
fn read_exact_short_input_is_unexpected_eof() {
    block_on(async {
        let mut rd: &[u8] = b"abc";
        let mut buf = [0u8; 4];
        let err = rd.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        assert_eq!(err.to_string(), "early eof");
    });
}

#[test]
fn read_exact_propagates_errors() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"a"), Op::Err(ErrorKind::BrokenPipe)]);
        let mut buf = [0u8; 4];
        let err = rd.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    });
}

#[test]
fn read_to_end_appends_everything() {
    block_on(async {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut rd: &[u8] = &big;
        let mut v = b"head".to_vec();
        let n = rd.read_to_end(&mut v).await.unwrap();
        assert_eq!(n, big.len());
        assert_eq!(&v[..4], b"head");
        assert_eq!(&v[4..], &big[..]);
    });
}

#[test]
fn read_to_end_across_pending_and_small_chunks() {
    let mut ops = Vec::new();
    for i in 0..50u8 {
        ops.push(Op::Data(vec![i; 7]));
        ops.push(Op::Pending);
    }
    let mut rd = MockReader::new(ops);
    let mut v = Vec::new();
    let mut fut = rd.read_to_end(&mut v);
    let n = run_bounded(&mut fut, 1_000).unwrap();
    assert_eq!(n, 350);
    assert_eq!(v.len(), 350);
    assert!(v
        .chunks(7)
        .enumerate()
        .all(|(i, c)| c.iter().all(|&b| b == i as u8)));
}

#[test]
fn read_to_end_keeps_bytes_read_before_an_error() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"kept"), Op::Err(ErrorKind::Other)]);
        let mut v = Vec::new();
        let err = rd.read_to_end(&mut v).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(v, b"kept");
    });
}

#[test]
fn read_to_end_does_not_grow_an_exactly_sized_vec() {
    block_on(async {
        let mut rd: &[u8] = &[5u8; 100];
        let mut v = Vec::with_capacity(100);
        let n = rd.read_to_end(&mut v).await.unwrap();
        assert_eq!(n, 100);
        assert_eq!(v.capacity(), 100, "EOF found without reallocating");
    });
}

#[test]
fn read_to_end_with_zeroing_reader_and_full_vec() {
    // `Compat`-style readers zero the unfilled part; make sure the bytes are
    // right when the vector must grow through the probe path.
    struct ZeroingReader(Vec<u8>);
    impl AsyncRead for ZeroingReader {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let dst = buf.initialize_unfilled();
            let n = dst.len().min(self.0.len()).min(5);
            dst[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            buf.advance(n);
            Poll::Ready(Ok(()))
        }
    }
    block_on(async {
        let input: Vec<u8> = (0..=255u8).collect();
        let mut rd = ZeroingReader(input.clone());
        let mut v = vec![1, 2, 3];
        v.shrink_to_fit();
        let n = rd.read_to_end(&mut v).await.unwrap();
        assert_eq!(n, 256);
        assert_eq!(&v[..3], &[1, 2, 3]);
        assert_eq!(&v[3..], &input[..]);
    });
}

#[test]
fn read_to_string_appends() {
    block_on(async {
        let mut rd: &[u8] = "déf".as_bytes();
        let mut s = String::from("abc");
        assert_eq!(rd.read_to_string(&mut s).await.unwrap(), 4);
        assert_eq!(s, "abcdéf");
    });
}

#[test]
fn read_to_string_multibyte_split_across_reads() {
    block_on(async {
        let bytes = "€uro".as_bytes();
        let mut rd = MockReader::new(vec![
            data(&bytes[..1]),
            Op::Pending,
            data(&bytes[1..2]),
            data(&bytes[2..]),
        ]);
        let mut s = String::new();
        assert_eq!(rd.read_to_string(&mut s).await.unwrap(), bytes.len());
        assert_eq!(s, "€uro");
    });
}

#[test]
fn read_to_string_invalid_utf8_leaves_string_unchanged() {
    block_on(async {
        let mut rd: &[u8] = &[b'o', b'k', 0xff, 0xfe];
        let mut s = String::from("abc");
        let err = rd.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(err.to_string(), "stream did not contain valid UTF-8");
        assert_eq!(s, "abc");
    });
}

#[test]
fn read_to_string_io_error_leaves_string_unchanged() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"def"), Op::Err(ErrorKind::Other)]);
        let mut s = String::from("abc");
        let err = rd.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert_eq!(s, "abc");
    });
}

#[test]
fn read_to_string_cancelled_leaves_string_unchanged() {
    let mut rd = MockReader::new(vec![data(b"partial"), Op::Pending, data(b" more")]);
    let mut s = String::from("orig");
    {
        let mut fut = rd.read_to_string(&mut s);
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(s, "orig");
}

#[test]
fn numbers_round_trip_big_and_little_endian() {
    block_on(async {
        let mut out = Vec::new();
        out.write_u8(0xfe).await.unwrap();
        out.write_i8(-2).await.unwrap();
        out.write_u16(0x0102).await.unwrap();
        out.write_i16(-3).await.unwrap();
        out.write_u32(0x0102_0304).await.unwrap();
        out.write_i32(-4).await.unwrap();
        out.write_u64(0x0102_0304_0506_0708).await.unwrap();
        out.write_i64(-5).await.unwrap();
        out.write_u128(u128::MAX - 1).await.unwrap();
        out.write_i128(i128::MIN + 1).await.unwrap();
        out.write_f32(1.5).await.unwrap();
        out.write_f64(-2.25).await.unwrap();
        out.write_u16_le(0x0102).await.unwrap();
        out.write_i16_le(-6).await.unwrap();
        out.write_u32_le(0x0102_0304).await.unwrap();
        out.write_i32_le(-7).await.unwrap();
        out.write_u64_le(0x0102_0304_0506_0708).await.unwrap();
        out.write_i64_le(-8).await.unwrap();
        out.write_u128_le(7).await.unwrap();
        out.write_i128_le(-9).await.unwrap();
        out.write_f32_le(3.5).await.unwrap();
        out.write_f64_le(-4.75).await.unwrap();

        // Spot-check the byte order of the encoding.
        assert_eq!(&out[2..4], &[1, 2]);
        let le16 = 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 16 + 16 + 4 + 8;
        assert_eq!(&out[le16..le16 + 2], &[2, 1]);

        // Read them back through one-byte reads to exercise reassembly.
        let mut ops = Vec::new();
        for b in &out {
            ops.push(data(&[*b]));
            ops.push(Op::Pending);
        }
        let mut rd = MockReader::new(ops);
        assert_eq!(rd.read_u8().await.unwrap(), 0xfe);
        assert_eq!(rd.read_i8().await.unwrap(), -2);
        assert_eq!(rd.read_u16().await.unwrap(), 0x0102);
        assert_eq!(rd.read_i16().await.unwrap(), -3);
        assert_eq!(rd.read_u32().await.unwrap(), 0x0102_0304);
        assert_eq!(rd.read_i32().await.unwrap(), -4);
        assert_eq!(rd.read_u64().await.unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(rd.read_i64().await.unwrap(), -5);
        assert_eq!(rd.read_u128().await.unwrap(), u128::MAX - 1);
        assert_eq!(rd.read_i128().await.unwrap(), i128::MIN + 1);
        assert_eq!(rd.read_f32().await.unwrap(), 1.5);
        assert_eq!(rd.read_f64().await.unwrap(), -2.25);
        assert_eq!(rd.read_u16_le().await.unwrap(), 0x0102);
        assert_eq!(rd.read_i16_le().await.unwrap(), -6);
        assert_eq!(rd.read_u32_le().await.unwrap(), 0x0102_0304);
        assert_eq!(rd.read_i32_le().await.unwrap(), -7);
        assert_eq!(rd.read_u64_le().await.unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(rd.read_i64_le().await.unwrap(), -8);
        assert_eq!(rd.read_u128_le().await.unwrap(), 7);
        assert_eq!(rd.read_i128_le().await.unwrap(), -9);
        assert_eq!(rd.read_f32_le().await.unwrap(), 3.5);
        assert_eq!(rd.read_f64_le().await.unwrap(), -4.75);
        assert_eq!(
            rd.read_u8().await.unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
    });
}

#[test]
fn read_number_known_encodings() {
    block_on(async {
        let mut rd: &[u8] = &[0x12, 0x34, 0x12, 0x34, 0x80];
        assert_eq!(rd.read_u16().await.unwrap(), 0x1234);
        assert_eq!(rd.read_u16_le().await.unwrap(), 0x3412);
        assert_eq!(rd.read_i8().await.unwrap(), -128);
    });
}

#[test]
fn read_number_short_input_is_unexpected_eof() {
    block_on(async {
        let mut rd: &[u8] = &[1, 2, 3];
        let err = rd.read_u32().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        let mut empty: &[u8] = &[];
        assert_eq!(
            empty.read_u8().await.unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
        let mut rd = MockReader::new(vec![data(&[1]), Op::Err(ErrorKind::TimedOut)]);
        assert_eq!(
            rd.read_u64_le().await.unwrap_err().kind(),
            ErrorKind::TimedOut
        );
    });
}

#[test]
fn take_limits_reads() {
    block_on(async {
        let mut t = (&b"0123456789"[..]).take(4);
        assert_eq!(t.limit(), 4);
        let mut buf = [0u8; 3];
        assert_eq!(t.read(&mut buf).await.unwrap(), 3);
        assert_eq!(t.limit(), 1);
        let mut rest = Vec::new();
        assert_eq!(t.read_to_end(&mut rest).await.unwrap(), 1);
        assert_eq!(rest, b"3");
        assert_eq!(t.read(&mut buf).await.unwrap(), 0, "EOF at the limit");
        t.set_limit(2);
        assert_eq!(t.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"45");
        assert_eq!(t.get_ref(), b"6789");
        let _ = t.get_mut();
        assert_eq!(t.into_inner(), b"6789");
    });
}

#[test]
fn take_stops_at_inner_eof_and_keeps_limit_on_error() {
    block_on(async {
        let mut t = (&b"ab"[..]).take(10);
        let mut v = Vec::new();
        assert_eq!(t.read_to_end(&mut v).await.unwrap(), 2);
        assert_eq!(t.limit(), 8);

        let mut t = MockReader::new(vec![Op::Err(ErrorKind::Other), data(b"xyz")]).take(2);
        let mut buf = [0u8; 8];
        assert!(t.read(&mut buf).await.is_err());
        assert_eq!(t.limit(), 2, "errors do not count");
        assert_eq!(t.read(&mut buf).await.unwrap(), 2);
    });
}

#[test]
fn take_zero_never_polls_inner() {
    block_on(async {
        let mut t = MockReader::new(vec![Op::Err(ErrorKind::Other)]).take(0);
        let mut buf = [0u8; 4];
        assert_eq!(t.read(&mut buf).await.unwrap(), 0);
        assert_eq!(t.get_ref().polls, 0);
    });
}

#[test]
fn chain_reads_first_then_second() {
    block_on(async {
        let mut c = (&b"ab"[..]).chain(MockReader::new(vec![data(b"cd"), Op::Pending, data(b"e")]));
        let mut s = String::new();
        assert_eq!(c.read_to_string(&mut s).await.unwrap(), 5);
        assert_eq!(s, "abcde");
        let (first, second) = c.get_ref();
        assert!(first.is_empty());
        assert!(second.is_done());
        let _ = c.get_mut();
        let (_a, _b) = c.into_inner();
    });
}

#[test]
fn chain_with_error_in_first() {
    block_on(async {
        let first = MockReader::new(vec![data(b"a"), Op::Err(ErrorKind::Other), data(b"b")]);
        let mut c = first.chain(&b"c"[..]);
        let mut buf = [0u8; 4];
        assert_eq!(c.read(&mut buf).await.unwrap(), 1);
        assert!(c.read(&mut buf).await.is_err());
        let mut rest = Vec::new();
        c.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"bc");
    });
}

#[test]
fn cursor_reads_from_position_and_past_end_is_eof() {
    block_on(async {
        let mut c = Cursor::new(b"hello".to_vec());
        c.set_position(2);
        let mut s = String::new();
        c.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "llo");
        assert_eq!(c.position(), 5);
        c.set_position(100);
        let mut buf = [0u8; 4];
        assert_eq!(c.read(&mut buf).await.unwrap(), 0);
        assert_eq!(c.position(), 100);
    });
}

#[test]
fn pointer_impls_read() {
    block_on(async {
        let mut boxed: Box<dyn AsyncRead + Unpin> = Box::new(&b"box"[..]);
        let mut s = String::new();
        boxed.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "box");

        let mut pinned: Pin<Box<dyn AsyncRead>> = Box::pin(&b"pin"[..]);
        let mut s = String::new();
        pinned.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "pin");

        let mut inner: &[u8] = b"ref";
        let mut by_ref = &mut inner;
        let mut s = String::new();
        (&mut by_ref).read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "ref");
        assert!(inner.is_empty());
    });
}

#[test]
fn futures_are_send_when_the_io_is() {
    fn assert_send<T: Send>(_: &T) {}
    let mut rd: &[u8] = b"";
    let mut buf = [0u8; 1];
    let mut v = Vec::new();
    let mut s = String::new();
    assert_send(&rd.read(&mut buf));
    assert_send(&rd.read_exact(&mut buf));
    assert_send(&rd.read_to_end(&mut v));
    assert_send(&rd.read_to_string(&mut s));
    assert_send(&rd.read_u32());
    assert_send(&rd.read_buf(&mut v));
}
