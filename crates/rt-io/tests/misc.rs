//! `empty`, `sink`, `repeat`, `join` and `Buf`/`BufMut` impls.

use futures::executor::block_on;
use rt_io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, Buf, BufMut};
use std::collections::VecDeque;
use std::io::{Cursor, IoSlice, SeekFrom};
use std::mem::MaybeUninit;

#[test]
fn empty_reads_nothing_and_swallows_writes() {
    block_on(async {
        let mut e = rt_io::empty();
        let mut buf = [0u8; 4];
        assert_eq!(e.read(&mut buf).await.unwrap(), 0);
        let mut s = String::new();
        assert_eq!(e.read_to_string(&mut s).await.unwrap(), 0);
        assert_eq!(e.fill_buf().await.unwrap(), b"");
        e.consume(0);
        assert_eq!(e.write(b"void").await.unwrap(), 4);
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"c")];
        assert_eq!(e.write_vectored(&bufs).await.unwrap(), 3);
        assert!(e.is_write_vectored());
        e.flush().await.unwrap();
        e.shutdown().await.unwrap();
        assert_eq!(e.seek(SeekFrom::Start(10)).await.unwrap(), 0);
        assert_eq!(format!("{e:?}"), "Empty { .. }");
    });
}

#[test]
fn sink_swallows_writes() {
    block_on(async {
        let mut s = rt_io::sink();
        assert_eq!(s.write(b"abc").await.unwrap(), 3);
        s.write_all(&[0u8; 100_000]).await.unwrap();
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"c")];
        assert_eq!(s.write_vectored(&bufs).await.unwrap(), 3);
        assert!(s.is_write_vectored());
        s.flush().await.unwrap();
        s.shutdown().await.unwrap();
        let mut rd: &[u8] = &[1u8; 10_000];
        assert_eq!(rt_io::copy(&mut rd, &mut s).await.unwrap(), 10_000);
        assert_eq!(format!("{s:?}"), "Sink { .. }");
    });
}

#[test]
fn repeat_fills_every_read() {
    block_on(async {
        let mut r = rt_io::repeat(b'z');
        let mut buf = [0u8; 5];
        assert_eq!(r.read(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf, b"zzzzz");
        let mut limited = Vec::new();
        r.take(3).read_to_end(&mut limited).await.unwrap();
        assert_eq!(limited, b"zzz");
        let mut uninit = [MaybeUninit::<u8>::uninit(); 4];
        let mut dst: &mut [MaybeUninit<u8>] = &mut uninit;
        let mut r = rt_io::repeat(1);
        assert_eq!(r.read_buf(&mut dst).await.unwrap(), 4);
    });
}

#[test]
fn join_reads_one_and_writes_the_other() {
    block_on(async {
        let mut j = rt_io::join(&b"first\nsecond"[..], Vec::new());
        let mut line = String::new();
        j.read_line(&mut line).await.unwrap();
        assert_eq!(line, "first\n");
        j.write_all(b"out").await.unwrap();
        let bufs = [IoSlice::new(b"1"), IoSlice::new(b"2")];
        j.write_vectored(&bufs).await.unwrap();
        assert!(j.is_write_vectored());
        j.flush().await.unwrap();
        j.shutdown().await.unwrap();
        assert_eq!(j.reader(), b"second");
        assert_eq!(j.writer(), b"out12");
        *j.reader_mut() = &[];
        j.writer_mut().clear();
        let (r, w) = j.into_inner();
        assert!(r.is_empty() && w.is_empty());

        let mut pinned = Box::pin(rt_io::join(&b"x"[..], Vec::new()));
        assert_eq!(*pinned.as_mut().reader_pin_mut(), b"x");
        assert!(pinned.as_mut().writer_pin_mut().is_empty());
    });
}

#[test]
fn buf_impls() {
    let mut s: &[u8] = b"abc";
    assert!(s.has_remaining());
    s.advance(1);
    assert_eq!(s.chunk(), b"bc");

    let mut c = Cursor::new(b"hello".to_vec());
    assert_eq!(Buf::remaining(&c), 5);
    c.advance(4);
    assert_eq!(c.chunk(), b"o");
    c.set_position(99);
    assert_eq!(Buf::remaining(&c), 0);
    assert_eq!(c.chunk(), b"");

    let mut dq: VecDeque<u8> = (0..5).collect();
    Buf::advance(&mut dq, 2);
    assert_eq!(Buf::remaining(&dq), 3);
    let mut slices = [IoSlice::new(&[]); 4];
    let n = dq.chunks_vectored(&mut slices);
    let total: usize = slices[..n].iter().map(|s| s.len()).sum();
    assert_eq!(total, 3);
    assert_eq!(dq.chunks_vectored(&mut []), 0);

    let mut boxed: Box<&[u8]> = Box::new(&b"xy"[..]);
    boxed.advance(1);
    assert_eq!(boxed.chunk(), b"y");
}

#[test]
#[should_panic(expected = "cannot advance past `remaining`")]
fn buf_advance_past_end_panics() {
    let mut s: &[u8] = b"ab";
    s.advance(3);
}

#[test]
fn buf_mut_impls() {
    let mut v = Vec::new();
    v.put_slice(b"abc");
    assert_eq!(v, b"abc");
    assert!(v.has_remaining_mut());

    let mut storage = [0u8; 4];
    {
        let mut s: &mut [u8] = &mut storage;
        s.put_slice(b"ab");
        assert_eq!(s.remaining_mut(), 2);
        (&mut s).put_slice(b"cd");
        assert!(!s.has_remaining_mut());
    }
    assert_eq!(&storage, b"abcd");

    let mut uninit = [MaybeUninit::<u8>::uninit(); 3];
    let mut u: &mut [MaybeUninit<u8>] = &mut uninit;
    u.put_slice(b"xyz");
    assert_eq!(u.remaining_mut(), 0);

    let mut boxed: Box<Vec<u8>> = Box::default();
    boxed.put_slice(b"boxed");
    assert_eq!(&**boxed, b"boxed");
}

#[test]
#[should_panic(expected = "exceeds remaining_mut()")]
fn buf_mut_put_slice_overflow_panics() {
    let mut storage = [0u8; 2];
    let mut s: &mut [u8] = &mut storage;
    s.put_slice(b"abc");
}

#[test]
fn io_types_are_reexported() {
    let e: rt_io::Error = rt_io::ErrorKind::Other.into();
    let r: rt_io::Result<()> = Err(e);
    assert!(r.is_err());
    let _ = rt_io::SeekFrom::Start(0);
    let _: &dyn AsyncWrite = &Vec::<u8>::new();
}
