//! `AsyncSeekExt` and seeking through `BufReader`, `BufWriter`, `BufStream`.

use futures::executor::block_on;
use rt_io::{
    AsyncBufReadExt, AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWriteExt, BufReader, BufStream,
    BufWriter,
};
use std::io::{self, Cursor, ErrorKind, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

#[test]
fn cursor_seek_rewind_stream_position() {
    block_on(async {
        let mut c = Cursor::new(b"abcdefg".to_vec());
        assert_eq!(c.seek(SeekFrom::Start(3)).await.unwrap(), 3);
        let mut one = [0u8; 1];
        c.read_exact(&mut one).await.unwrap();
        assert_eq!(one, [b'd']);
        assert_eq!(c.stream_position().await.unwrap(), 4);
        assert_eq!(c.seek(SeekFrom::End(-1)).await.unwrap(), 6);
        assert_eq!(c.seek(SeekFrom::Current(-2)).await.unwrap(), 4);
        assert_eq!(c.rewind().await.unwrap(), 0);
        let err = c.seek(SeekFrom::Current(-1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn buf_reader_seek_discards_the_buffer() {
    block_on(async {
        let mut rd = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
        let mut one = [0u8; 1];
        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(rd.buffer(), b"123");
        // The logical position accounts for the buffered bytes.
        assert_eq!(rd.stream_position().await.unwrap(), 1);
        assert!(rd.buffer().is_empty(), "seeking discards the buffer");
        assert_eq!(rd.get_ref().position(), 1);

        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(one, [b'1']);
        // Current(n) is relative to the logical position, not the inner one.
        assert_eq!(rd.seek(SeekFrom::Current(2)).await.unwrap(), 4);
        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(one, [b'4']);

        assert_eq!(rd.seek(SeekFrom::Start(8)).await.unwrap(), 8);
        let mut rest = String::new();
        rd.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "89");
        assert_eq!(rd.seek(SeekFrom::End(-3)).await.unwrap(), 7);
        assert_eq!(rd.rewind().await.unwrap(), 0);
        let mut line = String::new();
        rd.read_line(&mut line).await.unwrap();
        assert_eq!(line, "0123456789");
    });
}

#[test]
fn buf_reader_seek_within_buffer_still_refetches() {
    block_on(async {
        let mut rd = BufReader::with_capacity(8, Cursor::new(b"abcdefgh".to_vec()));
        let mut two = [0u8; 2];
        rd.read_exact(&mut two).await.unwrap();
        // Move the inner cursor behind BufReader's back: a seek must not
        // serve stale buffered bytes.
        rd.get_mut().get_mut()[3] = b'X';
        assert_eq!(rd.seek(SeekFrom::Current(1)).await.unwrap(), 3);
        rd.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"Xe");
    });
}

#[test]
fn buf_reader_seek_overflowing_offset() {
    block_on(async {
        let mut rd = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
        let mut one = [0u8; 1];
        rd.read_exact(&mut one).await.unwrap();
        // `i64::MIN - remaining` overflows: two inner seeks, the second of
        // which fails for the cursor (negative position).
        let err = rd.seek(SeekFrom::Current(i64::MIN)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(rd.buffer().is_empty());
        // The reader is still usable: the first seek moved it back to the
        // logical position.
        assert_eq!(rd.stream_position().await.unwrap(), 1);
        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(one, [b'1']);
    });
}

#[test]
fn buf_reader_seek_error_from_start_seek_keeps_buffer() {
    block_on(async {
        let mut rd = BufReader::with_capacity(4, Cursor::new(b"0123".to_vec()));
        let mut one = [0u8; 1];
        rd.read_exact(&mut one).await.unwrap();
        let err = rd.seek(SeekFrom::Current(-5)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        // The inner cursor did not move, so the buffered bytes are still valid.
        assert_eq!(rd.buffer(), b"123");
        rd.read_exact(&mut one).await.unwrap();
        assert_eq!(one, [b'1']);
    });
}

/// A seekable object whose seeks take one `Pending` to complete.
#[derive(Default)]
struct SlowSeek {
    pos: u64,
    target: Option<u64>,
    waited: bool,
    starts: usize,
}

impl AsyncSeek for SlowSeek {
    fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        if self.target.is_some() {
            return Err(io::Error::other("other seek in progress"));
        }
        let target = match position {
            SeekFrom::Start(n) => n,
            SeekFrom::Current(n) => self
                .pos
                .checked_add_signed(n)
                .ok_or(ErrorKind::InvalidInput)?,
            SeekFrom::End(_) => return Err(ErrorKind::Unsupported.into()),
        };
        self.target = Some(target);
        self.waited = false;
        self.starts += 1;
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        match self.target {
            None => Poll::Ready(Ok(self.pos)),
            Some(_) if !self.waited => {
                self.waited = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(t) => {
                self.pos = t;
                self.target = None;
                Poll::Ready(Ok(t))
            }
        }
    }
}

impl rt_io::AsyncRead for SlowSeek {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut rt_io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn seek_waits_for_pending_inner_seeks() {
    block_on(async {
        let mut s = SlowSeek::default();
        assert_eq!(s.seek(SeekFrom::Start(10)).await.unwrap(), 10);
        assert_eq!(s.seek(SeekFrom::Current(5)).await.unwrap(), 15);
        assert_eq!(s.starts, 2);

        let mut rd = BufReader::new(SlowSeek::default());
        assert_eq!(rd.seek(SeekFrom::Start(7)).await.unwrap(), 7);
        assert_eq!(rd.seek(SeekFrom::Current(-2)).await.unwrap(), 5);
        assert_eq!(rd.get_ref().pos, 5);
    });
}

#[test]
fn buf_writer_seek_flushes_first() {
    block_on(async {
        let mut w = BufWriter::with_capacity(16, Cursor::new(Vec::new()));
        w.write_all(b"hello world").await.unwrap();
        assert!(w.get_ref().get_ref().is_empty());
        // The logical position includes buffered bytes.
        assert_eq!(w.stream_position().await.unwrap(), 11);
        assert_eq!(w.get_ref().get_ref(), b"hello world", "flushed by the seek");
        assert_eq!(w.seek(SeekFrom::Start(6)).await.unwrap(), 6);
        w.write_all(b"WORLD").await.unwrap();
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().get_ref(), b"hello WORLD");
        assert_eq!(w.rewind().await.unwrap(), 0);
        let err = w.seek(SeekFrom::Current(-1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn buf_stream_seek() {
    block_on(async {
        let mut s = BufStream::new(Cursor::new(b"0123456789".to_vec()));
        let mut two = [0u8; 2];
        s.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"01");
        assert_eq!(s.stream_position().await.unwrap(), 2);
        s.write_all(b"ab").await.unwrap();
        assert_eq!(s.seek(SeekFrom::Start(0)).await.unwrap(), 0);
        let mut all = String::new();
        s.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "01ab456789");
    });
}

#[test]
fn pointer_impls_seek() {
    block_on(async {
        let mut boxed: Box<Cursor<Vec<u8>>> = Box::new(Cursor::new(vec![0; 4]));
        assert_eq!(boxed.seek(SeekFrom::End(0)).await.unwrap(), 4);
        let mut pinned: Pin<Box<Cursor<Vec<u8>>>> = Box::pin(Cursor::new(vec![0; 4]));
        assert_eq!(pinned.seek(SeekFrom::Start(2)).await.unwrap(), 2);
        let mut c = Cursor::new(vec![0u8; 4]);
        let mut by_ref = &mut c;
        // `&mut T: AsyncSeek`
        assert_eq!(
            AsyncSeekExt::seek(&mut by_ref, SeekFrom::Start(1))
                .await
                .unwrap(),
            1
        );
        assert_eq!(c.position(), 1);
    });
}
