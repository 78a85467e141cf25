//! `copy`, `copy_buf`, `copy_bidirectional(_with_sizes)`.

mod support;

use futures::executor::block_on;
use futures::FutureExt;
use rt_io::{AsyncReadExt, AsyncWriteExt, BufReader};
use std::io::ErrorKind;
use std::task::Poll;
use support::{data, poll_once, run_bounded, MockReader, MockWriter, Op, WOp};

#[test]
fn copy_moves_everything_and_flushes() {
    block_on(async {
        let input: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 256) as u8).collect();
        let mut rd: &[u8] = &input;
        let mut w = MockWriter::with_max_write(1000);
        let n = rt_io::copy(&mut rd, &mut w).await.unwrap();
        assert_eq!(n, input.len() as u64);
        assert_eq!(w.data, input);
        assert_eq!(w.flushes, 1, "flushed once at the end");
    });
}

#[test]
fn copy_empty_input() {
    block_on(async {
        let mut rd: &[u8] = b"";
        let mut w = MockWriter::new();
        assert_eq!(rt_io::copy(&mut rd, &mut w).await.unwrap(), 0);
        assert_eq!(w.flushes, 1);
    });
}

#[test]
fn copy_flushes_when_the_reader_stalls() {
    let mut rd = MockReader::new(vec![data(b"first"), Op::Pending, data(b"second")]);
    let mut w = MockWriter::new();
    {
        let mut fut = Box::pin(rt_io::copy(&mut rd, &mut w));
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(w.data, b"first");
    assert_eq!(w.flushes, 1, "written bytes are flushed before waiting");
}

#[test]
fn copy_through_pending_writer() {
    let mut rd = MockReader::new(vec![data(b"abc"), data(b"def"), data(b"ghi")]);
    let mut w = MockWriter::with_max_write(2);
    w.script = [WOp::Pending, WOp::Accept, WOp::Pending].into();
    let mut fut = Box::pin(rt_io::copy(&mut rd, &mut w));
    let n = run_bounded(&mut fut, 100).unwrap();
    drop(fut);
    assert_eq!(n, 9);
    assert_eq!(w.data, b"abcdefghi");
}

#[test]
fn copy_errors() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"ab"), Op::Err(ErrorKind::ConnectionReset)]);
        let mut w = MockWriter::new();
        let err = rt_io::copy(&mut rd, &mut w).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        assert_eq!(w.data, b"ab");

        let mut rd: &[u8] = b"abc";
        let mut w = MockWriter::new();
        w.script = [WOp::Zero].into();
        let err = rt_io::copy(&mut rd, &mut w).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);

        let mut rd: &[u8] = b"abc";
        let mut w = MockWriter::new();
        w.script = [WOp::Err(ErrorKind::BrokenPipe)].into();
        let err = rt_io::copy(&mut rd, &mut w).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    });
}

#[test]
fn copy_into_buf_writer_is_flushed() {
    block_on(async {
        let mut rd: &[u8] = b"buffered";
        let mut w = rt_io::BufWriter::new(Vec::new());
        rt_io::copy(&mut rd, &mut w).await.unwrap();
        assert_eq!(w.get_ref(), b"buffered");
    });
}

#[test]
fn copy_buf_moves_everything_and_flushes() {
    block_on(async {
        let mut rd = BufReader::with_capacity(
            4,
            MockReader::new(vec![data(b"hello "), Op::Pending, data(b"world")]),
        );
        let mut w = MockWriter::with_max_write(3);
        let n = rt_io::copy_buf(&mut rd, &mut w).await.unwrap();
        assert_eq!(n, 11);
        assert_eq!(w.data, b"hello world");
        assert!(w.flushes >= 1);
    });
}

#[test]
fn copy_buf_errors() {
    block_on(async {
        let mut rd = MockReader::new(vec![data(b"x"), Op::Err(ErrorKind::Other)]);
        let mut w = MockWriter::new();
        assert_eq!(
            rt_io::copy_buf(&mut rd, &mut w).await.unwrap_err().kind(),
            ErrorKind::Other
        );
        let mut rd: &[u8] = b"x";
        let mut w = MockWriter::new();
        w.script = [WOp::Zero].into();
        assert_eq!(
            rt_io::copy_buf(&mut rd, &mut w).await.unwrap_err().kind(),
            ErrorKind::WriteZero
        );
    });
}

#[test]
fn copy_bidirectional_counts_and_shuts_down() {
    block_on(async {
        let (mut a, mut a_peer) = rt_io::duplex(16);
        let (mut b, mut b_peer) = rt_io::duplex(16);

        let proxy = rt_io::copy_bidirectional(&mut a, &mut b);
        let peers = async {
            // a_peer -> (a -> b) -> b_peer: 100 bytes through 16-byte pipes.
            let to_b: Vec<u8> = (0..100u8).collect();
            let to_a = b"reply from b".to_vec();
            let send_a = async {
                a_peer.write_all(&to_b).await.unwrap();
                a_peer.shutdown().await.unwrap();
                let mut got = Vec::new();
                a_peer.read_to_end(&mut got).await.unwrap();
                got
            };
            let send_b = async {
                b_peer.write_all(&to_a).await.unwrap();
                b_peer.shutdown().await.unwrap();
                let mut got = Vec::new();
                b_peer.read_to_end(&mut got).await.unwrap();
                got
            };
            let (at_a, at_b) = futures::join!(send_a, send_b);
            assert_eq!(
                at_b, to_b,
                "b's peer got everything a's peer sent, then EOF"
            );
            assert_eq!(at_a, to_a);
        };
        let (counts, ()) = futures::join!(proxy, peers);
        assert_eq!(counts.unwrap(), (100, 12));
    });
}

#[test]
fn copy_bidirectional_one_side_eof_keeps_other_direction() {
    block_on(async {
        let (mut a, mut a_peer) = rt_io::duplex(8);
        let (mut b, mut b_peer) = rt_io::duplex(8);
        let mut proxy = Box::pin(rt_io::copy_bidirectional(&mut a, &mut b));

        // a's side closes its writing direction at once.
        a_peer.shutdown().await.unwrap();
        assert!(poll_once(&mut proxy).is_pending());
        // b's peer sees EOF (the proxy shut b down)...
        let mut buf = [0u8; 4];
        assert_eq!(b_peer.read(&mut buf).await.unwrap(), 0);
        // ...while b -> a still flows.
        b_peer.write_all(b"late").await.unwrap();
        assert!(poll_once(&mut proxy).is_pending());
        a_peer.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"late");
        b_peer.shutdown().await.unwrap();
        match poll_once(&mut proxy) {
            Poll::Ready(Ok(counts)) => assert_eq!(counts, (0, 4)),
            other => panic!("unexpected {other:?}"),
        }
    });
}

#[test]
fn copy_bidirectional_propagates_errors() {
    block_on(async {
        let (mut a, a_peer) = rt_io::duplex(8);
        let mut b = rt_io::join(
            MockReader::new(vec![Op::Err(ErrorKind::ConnectionReset)]),
            MockWriter::new(),
        );
        let err = rt_io::copy_bidirectional(&mut a, &mut b).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        drop(a_peer);
    });
}

#[test]
fn copy_bidirectional_with_small_buffers() {
    block_on(async {
        let mut a = rt_io::join(&b"0123456789"[..], MockWriter::new());
        let mut b = rt_io::join(&b"abc"[..], MockWriter::new());
        let counts = rt_io::copy_bidirectional_with_sizes(&mut a, &mut b, 1, 2)
            .await
            .unwrap();
        assert_eq!(counts, (10, 3));
        assert_eq!(b.writer().data, b"0123456789");
        assert_eq!(a.writer().data, b"abc");
        assert_eq!(a.writer().shutdowns, 1);
        assert_eq!(b.writer().shutdowns, 1);
    });
}

#[test]
#[should_panic(expected = "`a_to_b_buf_size` must be greater than zero")]
fn copy_bidirectional_zero_buffer_panics() {
    let mut a = rt_io::join(&b""[..], Vec::new());
    let mut b = rt_io::join(&b""[..], Vec::new());
    let _ = rt_io::copy_bidirectional_with_sizes(&mut a, &mut b, 0, 8).now_or_never();
}

#[test]
fn copy_futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let mut rd: &[u8] = b"";
    let mut w = Vec::new();
    assert_send(rt_io::copy(&mut rd, &mut w));
    assert_send(rt_io::copy_buf(&mut rd, &mut w));
    let (mut a, mut b) = rt_io::duplex(1);
    assert_send(rt_io::copy_bidirectional(&mut a, &mut b));
}
