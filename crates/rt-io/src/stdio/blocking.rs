//! `Blocking<T>`: a blocking reader/writer driven from async code (see the
//! protocol in the parent module).

use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rt_blocking::BlockingOrThread;

use crate::ReadBuf;

/// The most bytes one blocking operation moves (Tokio's value).
pub(crate) const MAX_BUF: usize = 2 * 1024 * 1024;

/// The bytes of the last read not yet handed out, or of the write in
/// flight.
#[derive(Debug, Default)]
pub(crate) struct Buf {
    buf: Vec<u8>,
    pos: usize,
}

impl Buf {
    fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) -> usize {
        let n = (self.buf.len() - self.pos).min(dst.remaining());
        dst.put_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        n
    }

    fn copy_from(&mut self, src: &[u8]) -> usize {
        debug_assert!(self.is_empty());
        let n = src.len().min(MAX_BUF);
        self.buf.clear();
        self.buf.extend_from_slice(&src[..n]);
        self.pos = 0;
        n
    }

    fn read_from<T: Read>(&mut self, rd: &mut T, max: usize) -> io::Result<usize> {
        self.buf.clear();
        self.buf.resize(max, 0);
        self.pos = 0;
        let res = loop {
            match rd.read(&mut self.buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        };
        let n = *res.as_ref().unwrap_or(&0);
        self.buf.truncate(n);
        res
    }

    fn write_to<T: Write>(&mut self, wr: &mut T) -> io::Result<()> {
        let res = wr.write_all(&self.buf[self.pos..]);
        self.buf.clear();
        self.pos = 0;
        res
    }
}

type Output<T> = (io::Result<usize>, Buf, T);

enum State<T> {
    Idle(Option<Buf>),
    Busy(BlockingOrThread<Output<T>>),
    /// The handle was lost with a cancelled or panicked task.
    Lost,
}

/// A blocking `T` used from async code, one operation at a time.
pub(crate) struct Blocking<T> {
    inner: Option<T>,
    state: State<T>,
    /// Bytes were written since the last flush.
    need_flush: bool,
}

fn lost() -> io::Error {
    io::Error::other(
        "the standard stream was lost: its blocking operation was cancelled by a runtime shutdown",
    )
}

impl<T: Send + 'static> Blocking<T> {
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::default())),
            need_flush: false,
        }
    }

    /// Waits for the operation in flight; returns its result.
    fn poll_busy(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(io::Result<usize>, Buf)>> {
        let State::Busy(task) = &mut self.state else {
            unreachable!("poll_busy: not busy")
        };
        match ready!(Pin::new(task).poll(cx)) {
            Ok((res, buf, inner)) => {
                self.inner = Some(inner);
                Poll::Ready(Ok((res, buf)))
            }
            Err(e) => {
                self.state = State::Lost;
                Poll::Ready(Err(io::Error::other(format!(
                    "background task failed: {e}"
                ))))
            }
        }
    }

    fn start(
        &mut self,
        f: impl FnOnce(T, Buf) -> Output<T> + Send + 'static,
        buf: Buf,
    ) -> io::Result<()>
    where
        T: Send + 'static,
    {
        let inner = self
            .inner
            .take()
            .expect("Blocking: handle missing while idle");
        match rt_blocking::spawn_blocking_or_thread("rt-io-stdio", move || f(inner, buf)) {
            Ok(task) => {
                self.state = State::Busy(task);
                Ok(())
            }
            Err(e) => {
                // The closure (and the handle in it) is gone.
                self.state = State::Lost;
                Err(e)
            }
        }
    }
}

impl<T: Read + Send + 'static> Blocking<T> {
    pub(crate) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            match &mut self.state {
                State::Lost => return Poll::Ready(Err(lost())),
                State::Idle(slot) => {
                    let mut buf = slot.take().unwrap_or_default();
                    if !buf.is_empty() {
                        buf.copy_to(dst);
                        *slot = Some(buf);
                        return Poll::Ready(Ok(()));
                    }
                    let max = dst.remaining().min(MAX_BUF);
                    self.start(
                        move |mut inner, mut buf| {
                            let res = buf.read_from(&mut inner, max);
                            (res, buf, inner)
                        },
                        buf,
                    )?;
                }
                State::Busy(_) => {
                    let (res, mut buf) = ready!(self.poll_busy(cx))?;
                    let res = res.map(|_| {
                        buf.copy_to(dst);
                    });
                    self.state = State::Idle(Some(buf));
                    return Poll::Ready(res);
                }
            }
        }
    }
}

impl<T: Write + Send + 'static> Blocking<T> {
    pub(crate) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            match &mut self.state {
                State::Lost => return Poll::Ready(Err(lost())),
                State::Idle(slot) => {
                    if src.is_empty() {
                        return Poll::Ready(Ok(0));
                    }
                    let mut buf = slot.take().unwrap_or_default();
                    let n = buf.copy_from(src);
                    self.start(
                        move |mut inner, mut buf| {
                            let res = buf.write_to(&mut inner).map(|()| n);
                            (res, buf, inner)
                        },
                        buf,
                    )?;
                    self.need_flush = true;
                    return Poll::Ready(Ok(n));
                }
                State::Busy(_) => {
                    let (res, buf) = ready!(self.poll_busy(cx))?;
                    self.state = State::Idle(Some(buf));
                    // An error of the previous write is reported now.
                    res?;
                }
            }
        }
    }

    pub(crate) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match &mut self.state {
                State::Lost => return Poll::Ready(Err(lost())),
                State::Idle(slot) => {
                    if !self.need_flush {
                        return Poll::Ready(Ok(()));
                    }
                    let buf = slot.take().unwrap_or_default();
                    self.start(
                        |mut inner, buf| {
                            let res = inner.flush().map(|()| 0);
                            (res, buf, inner)
                        },
                        buf,
                    )?;
                    self.need_flush = false;
                }
                State::Busy(_) => {
                    let (res, buf) = ready!(self.poll_busy(cx))?;
                    self.state = State::Idle(Some(buf));
                    res?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer that records what it got and when it was flushed.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(3);
            self.0.lock().unwrap().0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.0.lock().unwrap().1 += 1;
            Ok(())
        }
    }

    struct Failing;

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writes_complete_in_order_and_flush_waits() {
        let rec = Recorder::default();
        let mut b = Blocking::new(rec.clone());
        futures::executor::block_on(async {
            for chunk in [&b"hello "[..], b"blocking ", b"world"] {
                let n = std::future::poll_fn(|cx| b.poll_write(cx, chunk))
                    .await
                    .unwrap();
                assert_eq!(n, chunk.len());
            }
            std::future::poll_fn(|cx| b.poll_flush(cx)).await.unwrap();
        });
        let got = rec.0.lock().unwrap();
        assert_eq!(got.0, b"hello blocking world");
        assert_eq!(got.1, 1);
    }

    #[test]
    fn a_write_error_is_reported_by_the_next_operation() {
        let mut b = Blocking::new(Failing);
        futures::executor::block_on(async {
            // Accepted optimistically...
            assert_eq!(
                std::future::poll_fn(|cx| b.poll_write(cx, b"x"))
                    .await
                    .unwrap(),
                1
            );
            // ...and the failure surfaces on the flush.
            let err = std::future::poll_fn(|cx| b.poll_flush(cx))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        });
    }

    #[test]
    fn reads_hand_out_buffered_bytes_first() {
        let data: &[u8] = b"0123456789";
        let mut b = Blocking::new(data);
        futures::executor::block_on(async {
            let mut out = Vec::new();
            for _ in 0..20 {
                let mut small = [0u8; 4];
                let mut rb = ReadBuf::new(&mut small);
                std::future::poll_fn(|cx| b.poll_read(cx, &mut rb))
                    .await
                    .unwrap();
                if rb.filled().is_empty() {
                    break;
                }
                out.extend_from_slice(rb.filled());
            }
            assert_eq!(out, data);
        });
    }
}
