//! The `futures-io` feature: sockets implement the futures-io traits.
#![cfg(feature = "futures-io")]

use futures::io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{TcpListener, TcpStream, UnixStream};

#[test]
fn tcp_and_unix_streams_are_futures_io() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut c = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut s, _) = listener.accept().await.unwrap();
        AsyncWriteExt::write_all(&mut c, b"futures").await.unwrap();
        AsyncWriteExt::close(&mut c).await.unwrap();
        let mut got = Vec::new();
        AsyncReadExt::read_to_end(&mut s, &mut got).await.unwrap();
        assert_eq!(got, b"futures");

        let (mut a, mut b) = UnixStream::pair().unwrap();
        AsyncWriteExt::write_all(&mut a, b"io").await.unwrap();
        AsyncWriteExt::flush(&mut a).await.unwrap();
        AsyncWriteExt::close(&mut a).await.unwrap();
        let mut got = String::new();
        AsyncReadExt::read_to_string(&mut b, &mut got)
            .await
            .unwrap();
        assert_eq!(got, "io");
    });
}
