//! The `futures-io` adapters (feature `futures-io`).
#![cfg(feature = "futures-io")]

use futures::executor::block_on;
use futures::io::AsyncSeekExt as _;
use rt_io::compat::{
    Compat, FuturesAsyncReadCompatExt, FuturesAsyncWriteCompatExt, RtAsyncReadCompatExt,
    RtAsyncWriteCompatExt,
};
use std::io::{Cursor, SeekFrom};

#[test]
fn rt_reader_used_as_futures_reader() {
    block_on(async {
        let mut rd = rt_io::BufReader::new(&b"one\ntwo\n"[..]).compat();
        let mut line = String::new();
        futures::io::AsyncBufReadExt::read_line(&mut rd, &mut line)
            .await
            .unwrap();
        assert_eq!(line, "one\n");
        let mut rest = Vec::new();
        futures::io::AsyncReadExt::read_to_end(&mut rd, &mut rest)
            .await
            .unwrap();
        assert_eq!(rest, b"two\n");
        let _ = rd.get_ref();
        let _ = rd.get_mut();
        let _ = rd.into_inner();
    });
}

#[test]
fn rt_writer_used_as_futures_writer() {
    block_on(async {
        let (client, mut server) = rt_io::duplex(64);
        let mut w = client.compat_write();
        futures::io::AsyncWriteExt::write_all(&mut w, b"via futures")
            .await
            .unwrap();
        futures::io::AsyncWriteExt::flush(&mut w).await.unwrap();
        // `close` maps to `shutdown`: the peer sees EOF.
        futures::io::AsyncWriteExt::close(&mut w).await.unwrap();
        let mut got = String::new();
        rt_io::AsyncReadExt::read_to_string(&mut server, &mut got)
            .await
            .unwrap();
        assert_eq!(got, "via futures");
    });
}

#[test]
fn rt_seek_used_as_futures_seek() {
    block_on(async {
        let mut c = Compat::new(Cursor::new(b"0123456789".to_vec()));
        assert_eq!(c.seek(SeekFrom::Start(4)).await.unwrap(), 4);
        let mut two = [0u8; 2];
        futures::io::AsyncReadExt::read_exact(&mut c, &mut two)
            .await
            .unwrap();
        assert_eq!(&two, b"45");
        assert_eq!(c.seek(SeekFrom::Current(-1)).await.unwrap(), 5);
        assert!(c.seek(SeekFrom::Current(-10)).await.is_err());
    });
}

#[test]
fn futures_reader_used_as_rt_reader() {
    block_on(async {
        let inner = futures::io::Cursor::new(b"alpha\nbeta".to_vec());
        let mut rd = FuturesAsyncReadCompatExt::compat(inner);
        let mut line = String::new();
        rt_io::AsyncBufReadExt::read_line(&mut rd, &mut line)
            .await
            .unwrap();
        assert_eq!(line, "alpha\n");
        let mut rest = String::new();
        rt_io::AsyncReadExt::read_to_string(&mut rd, &mut rest)
            .await
            .unwrap();
        assert_eq!(rest, "beta");
        assert_eq!(
            rt_io::AsyncSeekExt::seek(&mut rd, SeekFrom::Start(1))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            rt_io::AsyncSeekExt::stream_position(&mut rd).await.unwrap(),
            1
        );
        let mut one = [0u8; 1];
        rt_io::AsyncReadExt::read_exact(&mut rd, &mut one)
            .await
            .unwrap();
        assert_eq!(one, [b'l']);
    });
}

#[test]
fn futures_writer_used_as_rt_writer() {
    block_on(async {
        let inner = futures::io::Cursor::new(Vec::new());
        let mut w = FuturesAsyncWriteCompatExt::compat_write(inner);
        rt_io::AsyncWriteExt::write_all(&mut w, b"rt bytes")
            .await
            .unwrap();
        rt_io::AsyncWriteExt::flush(&mut w).await.unwrap();
        rt_io::AsyncWriteExt::shutdown(&mut w).await.unwrap();
        assert_eq!(w.into_inner().into_inner(), b"rt bytes");
    });
}

#[test]
fn copy_between_worlds() {
    block_on(async {
        let mut src = FuturesAsyncReadCompatExt::compat(&b"from futures"[..]);
        let mut dst = Vec::new();
        let n = rt_io::copy(&mut src, &mut dst).await.unwrap();
        assert_eq!(n, 12);

        let mut src2 = RtAsyncReadCompatExt::compat(&dst[..]);
        let mut out = futures::io::Cursor::new(Vec::new());
        futures::io::copy(&mut src2, &mut out).await.unwrap();
        assert_eq!(out.into_inner(), b"from futures");
        let _ = RtAsyncWriteCompatExt::compat_write(Vec::new());
    });
}
