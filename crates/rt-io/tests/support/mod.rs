//! Scripted readers and writers and polling helpers shared by the tests.
#![allow(dead_code)]

use rt_io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

use futures::task::{waker, ArcWake};
use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// One step of a scripted reader.
#[derive(Debug)]
pub enum Op {
    /// Bytes to hand out (possibly over several reads).
    Data(Vec<u8>),
    /// Return `Pending` once (waking the task right away).
    Pending,
    /// Fail once with this error kind.
    Err(io::ErrorKind),
}

pub fn data(bytes: &[u8]) -> Op {
    Op::Data(bytes.to_vec())
}

/// A reader (and buffered reader) that follows a script, then reports EOF.
#[derive(Debug, Default)]
pub struct MockReader {
    ops: VecDeque<Op>,
    /// Number of `poll_read` / `poll_fill_buf` calls.
    pub polls: usize,
}

impl MockReader {
    pub fn new(ops: Vec<Op>) -> Self {
        MockReader {
            ops: ops.into(),
            polls: 0,
        }
    }

    pub fn is_done(&self) -> bool {
        self.ops.is_empty()
    }
}

impl AsyncRead for MockReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.polls += 1;
        match self.ops.pop_front() {
            None => Poll::Ready(Ok(())),
            Some(Op::Pending) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Op::Err(kind)) => Poll::Ready(Err(io::Error::new(kind, "scripted error"))),
            Some(Op::Data(mut bytes)) => {
                let n = bytes.len().min(buf.remaining());
                buf.put_slice(&bytes[..n]);
                if n < bytes.len() {
                    bytes.drain(..n);
                    self.ops.push_front(Op::Data(bytes));
                }
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl AsyncBufRead for MockReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.get_mut();
        me.polls += 1;
        loop {
            match me.ops.front() {
                None => return Poll::Ready(Ok(&[])),
                Some(Op::Data(d)) if d.is_empty() => {
                    me.ops.pop_front();
                }
                Some(Op::Data(_)) => break,
                Some(Op::Pending) => {
                    me.ops.pop_front();
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Some(Op::Err(kind)) => {
                    let kind = *kind;
                    me.ops.pop_front();
                    return Poll::Ready(Err(io::Error::new(kind, "scripted error")));
                }
            }
        }
        match me.ops.front() {
            Some(Op::Data(d)) => Poll::Ready(Ok(&d[..])),
            _ => unreachable!(),
        }
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.get_mut();
        if amt == 0 {
            return;
        }
        match me.ops.front_mut() {
            Some(Op::Data(d)) => {
                d.drain(..amt);
                if d.is_empty() {
                    me.ops.pop_front();
                }
            }
            _ => panic!("consume without data"),
        }
    }
}

/// What a scripted writer does on its next write attempt.
#[derive(Debug, Clone, Copy)]
pub enum WOp {
    /// Write normally.
    Accept,
    Pending,
    Err(io::ErrorKind),
    Zero,
}

/// A writer that records what it accepts. It accepts at most `max_write`
/// bytes per call, and follows `script` (one entry per write call) first.
#[derive(Debug)]
pub struct MockWriter {
    pub data: Vec<u8>,
    pub max_write: usize,
    pub script: VecDeque<WOp>,
    /// Sizes of the successful writes.
    pub writes: Vec<usize>,
    pub flushes: usize,
    pub shutdowns: usize,
    pub vectored: bool,
    /// `poll_flush` returns `Pending` this many times first.
    pub flush_pending: usize,
}

impl Default for MockWriter {
    fn default() -> Self {
        MockWriter {
            data: Vec::new(),
            max_write: usize::MAX,
            script: VecDeque::new(),
            writes: Vec::new(),
            flushes: 0,
            shutdowns: 0,
            vectored: false,
            flush_pending: 0,
        }
    }
}

impl MockWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_max_write(max_write: usize) -> Self {
        MockWriter {
            max_write,
            ..Self::default()
        }
    }

    fn scripted(&mut self, cx: &mut Context<'_>) -> Option<Poll<io::Result<usize>>> {
        match self.script.pop_front()? {
            WOp::Accept => None,
            WOp::Pending => {
                cx.waker().wake_by_ref();
                Some(Poll::Pending)
            }
            WOp::Err(kind) => Some(Poll::Ready(Err(io::Error::new(kind, "scripted error")))),
            WOp::Zero => Some(Poll::Ready(Ok(0))),
        }
    }
}

impl AsyncWrite for MockWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(res) = self.scripted(cx) {
            return res;
        }
        let n = buf.len().min(self.max_write);
        self.data.extend_from_slice(&buf[..n]);
        self.writes.push(n);
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if !self.vectored {
            let first = bufs
                .iter()
                .find(|b| !b.is_empty())
                .map_or(&[][..], |b| &**b);
            return self.poll_write(cx, first);
        }
        if let Some(res) = self.scripted(cx) {
            return res;
        }
        let mut budget = self.max_write;
        let mut n = 0;
        for b in bufs {
            let take = b.len().min(budget);
            self.data.extend_from_slice(&b[..take]);
            budget -= take;
            n += take;
        }
        self.writes.push(n);
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.flush_pending > 0 {
            self.flush_pending -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

/// A waker that counts its wakeups.
#[derive(Default)]
pub struct CountWaker(AtomicUsize);

impl ArcWake for CountWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn count_waker() -> (Arc<CountWaker>, Waker) {
    let counter = Arc::new(CountWaker::default());
    let w = waker(counter.clone());
    (counter, w)
}

impl CountWaker {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Polls `fut` once with the given waker.
pub fn poll_with<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    let mut cx = Context::from_waker(waker);
    Pin::new(fut).poll(&mut cx)
}

/// Polls `fut` once with a no-op waker.
pub fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    poll_with(fut, futures::task::noop_waker_ref())
}

/// Drives `fut` to completion, at most `max_polls` polls (the scripted
/// readers wake immediately when they return `Pending`).
pub fn run_bounded<F: Future + Unpin>(fut: &mut F, max_polls: usize) -> F::Output {
    for _ in 0..max_polls {
        if let Poll::Ready(out) = poll_once(fut) {
            return out;
        }
    }
    panic!("future not ready after {max_polls} polls");
}
