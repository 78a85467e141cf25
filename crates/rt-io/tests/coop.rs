//! The utilities spend the cooperative budget of rt-task: inside a budget
//! (what a scheduler gives each task poll) an always-ready resource yields
//! after `INITIAL_BUDGET` operations; outside one it never does.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use rt_io::{AsyncBufRead, AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use rt_task::coop::{self, INITIAL_BUDGET};

struct CountWake(AtomicUsize);

impl Wake for CountWake {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountWake>, Waker) {
    let c = Arc::new(CountWake(AtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

/// How many times `op` is ready in a row (at most 1000).
fn readies(cx: &mut Context<'_>, mut op: impl FnMut(&mut Context<'_>) -> bool) -> usize {
    (0..1000).take_while(|_| op(cx)).count()
}

fn check(op: impl FnMut(&mut Context<'_>) -> bool + Clone) {
    let (woken, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let n = coop::budget(|| readies(&mut cx, op.clone()));
    assert_eq!(n, INITIAL_BUDGET as usize);
    assert_eq!(
        woken.0.load(Ordering::SeqCst),
        1,
        "the task is woken to run again"
    );
    // Unconstrained outside a budget.
    assert_eq!(readies(&mut cx, op), 1000);
}

#[test]
fn repeat_empty_sink_spend_budget() {
    check(|cx| {
        let mut buf = [0u8; 4];
        let mut rb = ReadBuf::new(&mut buf);
        Pin::new(&mut rt_io::repeat(1))
            .poll_read(cx, &mut rb)
            .is_ready()
    });
    check(|cx| {
        let mut buf = [0u8; 4];
        let mut rb = ReadBuf::new(&mut buf);
        Pin::new(&mut rt_io::empty())
            .poll_read(cx, &mut rb)
            .is_ready()
    });
    check(|cx| Pin::new(&mut rt_io::empty()).poll_fill_buf(cx).is_ready());
    check(|cx| Pin::new(&mut rt_io::sink()).poll_write(cx, b"x").is_ready());
    check(|cx| Pin::new(&mut rt_io::sink()).poll_flush(cx).is_ready());
    check(|cx| Pin::new(&mut rt_io::empty()).poll_shutdown(cx).is_ready());
}

#[test]
fn duplex_spends_budget_and_returns_it_when_pending() {
    let (mut a, mut b) = rt_io::duplex(1 << 20);
    let (_woken, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let writes = coop::budget(|| {
        readies(&mut cx, |cx| {
            Pin::new(&mut a).poll_write(cx, b"x").is_ready()
        })
    });
    assert_eq!(writes, INITIAL_BUDGET as usize);
    // A pending read (nothing to read yet in the other direction) costs
    // nothing: the budget is intact after it.
    coop::budget(|| {
        let mut buf = [0u8; 1];
        let mut rb = ReadBuf::new(&mut buf);
        assert!(Pin::new(&mut a).poll_read(&mut cx, &mut rb).is_pending());
        assert!(coop::has_budget_remaining());
        let reads = readies(&mut cx, |cx| {
            let mut buf = [0u8; 1];
            let mut rb = ReadBuf::new(&mut buf);
            matches!(Pin::new(&mut b).poll_read(cx, &mut rb), Poll::Ready(Ok(())))
        });
        assert_eq!(reads, INITIAL_BUDGET as usize);
    });
}

#[test]
fn copy_yields_and_then_finishes() {
    let (woken, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut reader = rt_io::repeat(7).take(4 << 20);
    let mut writer = rt_io::sink();
    let mut fut = Box::pin(rt_io::copy(&mut reader, &mut writer));
    let mut polls = 0;
    let total = loop {
        polls += 1;
        assert!(polls < 10_000, "copy never finished");
        if let Poll::Ready(r) = coop::budget(|| fut.as_mut().poll(&mut cx)) {
            break r.unwrap();
        }
    };
    assert_eq!(total, 4 << 20);
    assert!(polls > 1, "copy never yielded");
    assert_eq!(woken.0.load(Ordering::SeqCst), polls - 1);

    // copy_buf too.
    let mut reader = rt_io::BufReader::new(rt_io::repeat(1).take(4 << 20));
    let mut writer = rt_io::sink();
    let mut fut = Box::pin(rt_io::copy_buf(&mut reader, &mut writer));
    let mut polls = 0;
    loop {
        polls += 1;
        assert!(polls < 10_000);
        if let Poll::Ready(r) = coop::budget(|| fut.as_mut().poll(&mut cx)) {
            assert_eq!(r.unwrap(), 4 << 20);
            break;
        }
    }
    assert!(polls > 1, "copy_buf never yielded");
}
