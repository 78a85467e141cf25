//! `split`, `ReadHalf`, `WriteHalf`.

mod support;

use futures::executor::block_on;
use rt_io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use std::io::IoSlice;
use support::MockWriter;

#[test]
fn halves_read_and_write_the_same_stream() {
    block_on(async {
        let (client, mut server) = rt_io::duplex(64);
        let (mut rd, mut wr) = rt_io::split(client);
        wr.write_all(b"to server").await.unwrap();
        let mut buf = [0u8; 9];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"to server");
        server.write_all(b"to client").await.unwrap();
        rd.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"to client");
        wr.flush().await.unwrap();
        wr.shutdown().await.unwrap();
        let mut rest = Vec::new();
        server.read_to_end(&mut rest).await.unwrap();
        assert!(
            rest.is_empty(),
            "shutdown through the write half reached the peer"
        );
    });
}

#[test]
fn unsplit_restores_the_stream() {
    block_on(async {
        let (client, mut server) = rt_io::duplex(64);
        let (rd, wr) = rt_io::split(client);
        assert!(rd.is_pair_of(&wr));
        assert!(wr.is_pair_of(&rd));
        let mut client = rd.unsplit(wr);
        client.write_all(b"whole").await.unwrap();
        let mut buf = [0u8; 5];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"whole");
    });
}

#[test]
#[should_panic(expected = "Unrelated `WriteHalf` passed to `ReadHalf::unsplit`.")]
fn unsplit_with_foreign_half_panics() {
    let (a, _a_peer) = rt_io::duplex(8);
    let (b, _b_peer) = rt_io::duplex(8);
    let (rd_a, wr_a) = rt_io::split(a);
    let (rd_b, wr_b) = rt_io::split(b);
    assert!(!rd_a.is_pair_of(&wr_b));
    assert!(!wr_a.is_pair_of(&rd_b));
    let _ = rd_a.unsplit(wr_b);
}

#[test]
fn write_half_forwards_vectored_writes() {
    block_on(async {
        let mut inner = MockWriter::new();
        inner.vectored = true;
        let (_rd, mut wr) = rt_io::split(rt_io::join(&b""[..], inner));
        assert!(wr.is_write_vectored());
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
        assert_eq!(wr.write_vectored(&bufs).await.unwrap(), 4);

        let (_rd, wr) = rt_io::split(rt_io::join(&b""[..], MockWriter::new()));
        assert!(!wr.is_write_vectored());
    });
}

#[test]
fn halves_work_from_different_threads() {
    let (client, mut server) = rt_io::duplex(16);
    let (mut rd, mut wr) = rt_io::split(client);
    const N: usize = 10_000;
    let writer = std::thread::spawn(move || {
        block_on(async {
            for i in 0..N {
                wr.write_all(&[(i % 256) as u8]).await.unwrap();
            }
            wr.shutdown().await.unwrap();
        });
        wr
    });
    let echo = std::thread::spawn(move || {
        block_on(async {
            let mut buf = [0u8; 64];
            // Bounded: the writer sends exactly N bytes, then EOF.
            for _ in 0..=N {
                let n = server.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                server.write_all(&buf[..n]).await.unwrap();
            }
            server.shutdown().await.unwrap();
        })
    });
    let got = block_on(async {
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        got
    });
    let wr = writer.join().unwrap();
    echo.join().unwrap();
    assert_eq!(got.len(), N);
    assert!(got.iter().enumerate().all(|(i, &b)| b == (i % 256) as u8));
    let _client = rd.unsplit(wr);
}

#[test]
fn halves_are_send_and_sync_when_the_stream_is_send() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ReadHalf<rt_io::DuplexStream>>();
    assert_send_sync::<WriteHalf<rt_io::DuplexStream>>();
    fn assert_io<T: AsyncRead>(_: &T) {}
    fn assert_out<T: AsyncWrite>(_: &T) {}
    let (rd, wr) = rt_io::split(rt_io::duplex(1).0);
    assert_io(&rd);
    assert_out(&wr);
    assert_eq!(format!("{rd:?}"), "ReadHalf { .. }");
    assert_eq!(format!("{wr:?}"), "WriteHalf { .. }");
}
